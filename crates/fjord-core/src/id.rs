//! Identifiers that end up in file names and URLs: dataset and organisation ids.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated identifier: 1-64 of `a-z 0-9 - _`, starting with a letter or digit.
///
/// Dataset and organisation ids are slugs, so they are safe as a single path component
/// (no `/`, no `..`) and in URLs without escaping.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Validate `s` as a slug.
    pub fn new(s: &str) -> Result<Self> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(Slug(s.to_string()))
        } else {
            Err(Error::InvalidId(s.to_string()))
        }
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Slug::new(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Slug {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Slug::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_ids() {
        assert_eq!(Slug::new("fylker").unwrap().as_str(), "fylker");
        assert!(Slug::new("n50-kartdata_2024").is_ok());
    }

    #[test]
    fn rejects_traversal_and_odd_characters() {
        for bad in ["", "../etc", "a/b", "Fylker", "-x", "æøå", &"a".repeat(65), "a.b"] {
            assert!(Slug::new(bad).is_err(), "{bad} accepted");
        }
    }
}
