//! Prometheus metrics: request counts and latency per route, and the size of the data.
//!
//! The exposition format is a few lines of text; a metrics crate plus exporter would
//! bring its own HTTP stack for what these counters do, so they are written by hand.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// One route's counters: requests by method and status, and its latency.
#[derive(Default)]
struct RouteStats {
    requests: BTreeMap<(String, u16), u64>,
    latency: Histogram,
}

/// Request counters, shared by all handlers: one lock a request, and no allocation once
/// a route, method and status have been seen.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, RouteStats>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let stats = match routes.get_mut(route) {
            Some(s) => s,
            None => routes.entry(route.to_string()).or_default(),
        };
        match stats.requests.iter_mut().find(|((m, s), _)| m == method && *s == status) {
            Some((_, n)) => *n += 1,
            None => {
                stats.requests.insert((method.to_string(), status), 1);
            }
        }
        let h = &mut stats.latency;
        for (slot, bound) in h.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *slot += 1;
            }
        }
        h.sum += seconds;
        h.count += 1;
    }

    /// The Prometheus text exposition, with extra gauges appended.
    pub fn render(&self, gauges: &[(&str, &str, f64)]) -> String {
        let mut out = String::new();
        out.push_str("# HELP fjord_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE fjord_http_requests_total counter\n");
        let routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        for (route, stats) in routes.iter() {
            for ((m, s), n) in &stats.requests {
                let _ =
                    writeln!(out, "fjord_http_requests_total{{method=\"{m}\",route=\"{route}\",status=\"{s}\"}} {n}");
            }
        }
        out.push_str("# HELP fjord_http_request_duration_seconds HTTP request latency by route.\n");
        out.push_str("# TYPE fjord_http_request_duration_seconds histogram\n");
        for (route, stats) in routes.iter() {
            let h = &stats.latency;
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ =
                    writeln!(out, "fjord_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(
                out,
                "fjord_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "fjord_http_request_duration_seconds_sum{{route=\"{route}\"}} {}", h.sum);
            let _ = writeln!(out, "fjord_http_request_duration_seconds_count{{route=\"{route}\"}} {}", h.count);
        }
        drop(routes);
        for (name, help, v) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        out
    }
}

/// Middleware: count and time every request under its route template (not its raw path,
/// so ids in URLs do not explode the label set).
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    // MatchedPath and Method clone without copying their text
    let route = req.extensions().get::<MatchedPath>().cloned();
    let method = req.method().clone();
    let start = Instant::now();
    let res = next.run(req).await;
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    metrics.observe(method.as_str(), route, res.status().as_u16(), start.elapsed().as_secs_f64());
    res
}
