//! Refusals of callers without valid credentials are audited one by one only up to
//! [`PER_MINUTE`] an address a minute; past that they are counted, and the count goes to
//! the log as one entry when the minute is over. A script hammering a restricted layer
//! (or guessing tokens) then cannot flood the audit log, and nothing goes unrecorded.
//! Refusals of identified callers and every login attempt are audited in full elsewhere.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Refusals an address has audited singly in a minute.
pub const PER_MINUTE: u32 = 30;

/// Addresses followed in one minute, at most; a flood from more is summed as one.
const ADDRESSES: usize = 10_000;

/// The key refusals from addresses past [`ADDRESSES`] are counted under.
const OTHERS: &str = "other addresses";

/// The refusals of the current minute, per address.
#[derive(Default)]
pub struct Refusals {
    minute: Mutex<Option<Minute>>,
}

struct Minute {
    started: Instant,
    counts: HashMap<String, u32>,
}

/// What to do with one refusal.
#[derive(Debug, PartialEq, Eq)]
pub struct Verdict {
    /// audit this refusal singly
    pub single: bool,
    /// addresses whose refusals in the minute just over went past the limit, with how
    /// many were not audited singly: one summary entry each
    pub summaries: Vec<(String, u32)>,
}

impl Refusals {
    /// Count a refusal from `from` at `now`.
    pub fn count(&self, from: &str, now: Instant) -> Verdict {
        let mut minute = self.minute.lock().unwrap_or_else(|e| e.into_inner());
        let mut summaries = Vec::new();
        let over = minute.as_ref().is_none_or(|m| now.duration_since(m.started) >= Duration::from_secs(60));
        if over {
            if let Some(ended) = minute.take() {
                summaries = ended
                    .counts
                    .into_iter()
                    .filter(|(_, n)| *n > PER_MINUTE)
                    .map(|(from, n)| (from, n - PER_MINUTE))
                    .collect();
                summaries.sort();
            }
            *minute = Some(Minute { started: now, counts: HashMap::new() });
        }
        let counts = &mut minute.as_mut().expect("a minute was just started").counts;
        let key = if counts.len() < ADDRESSES || counts.contains_key(from) { from } else { OTHERS };
        let n = counts.entry(key.to_string()).or_insert(0);
        *n += 1;
        Verdict { single: *n <= PER_MINUTE && key != OTHERS, summaries }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_counted_and_summed_once_the_minute_is_over() {
        let r = Refusals::default();
        let t0 = Instant::now();
        let singles = (0..100).filter(|_| r.count("10.0.0.1", t0).single).count();
        assert_eq!(singles, PER_MINUTE as usize);
        assert!(r.count("10.0.0.2", t0 + Duration::from_secs(30)).single, "another address has its own count");
        let next = r.count("10.0.0.2", t0 + Duration::from_secs(61));
        assert_eq!(next, Verdict { single: true, summaries: vec![("10.0.0.1".into(), 70)] });
        assert!(r.count("10.0.0.1", t0 + Duration::from_secs(62)).single, "a new minute, a new count");
    }
}
