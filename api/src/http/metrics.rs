//! Prometheus metrics: request counts and latencies per route, events appended, projector lag.
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use crate::core::Core;

/// Latency buckets in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Series by route, then method, then status: looked up by `&str` without allocating; a key is
/// copied only the first time it is seen.
type Requests = HashMap<String, HashMap<String, HashMap<u16, Series>>>;

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<Requests>,
}

/// The entry of `key` in `map`, inserted (its key copied) only when missing.
fn entry<'m, V: Default>(map: &'m mut HashMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

impl Metrics {
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let mut map = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        let series = entry(entry(&mut map, route), method).entry(status).or_default();
        series.count += 1;
        series.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                series.buckets[i] += 1;
            }
        }
    }

    /// The text exposition format.
    pub fn render(&self, core: &Core) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP joan_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE joan_http_requests_total counter");
        let guard = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        // Sorted, so the exposition is stable.
        let map: BTreeMap<(&str, &str, u16), &Series> = guard
            .iter()
            .flat_map(|(route, methods)| {
                methods.iter().flat_map(move |(method, statuses)| {
                    statuses
                        .iter()
                        .map(move |(status, s)| ((method.as_str(), route.as_str(), *status), s))
                })
            })
            .collect();
        for ((method, route, status), s) in map.iter() {
            let _ = writeln!(
                out,
                "joan_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        let _ = writeln!(out, "# HELP joan_http_request_duration_seconds HTTP request latency.");
        let _ = writeln!(out, "# TYPE joan_http_request_duration_seconds histogram");
        let mut per_route: BTreeMap<(&str, &str), Series> = BTreeMap::new();
        for ((method, route, _), s) in map.iter() {
            let agg = per_route.entry((method, route)).or_default();
            agg.count += s.count;
            agg.sum += s.sum;
            for (a, b) in agg.buckets.iter_mut().zip(s.buckets) {
                *a += b;
            }
        }
        for ((method, route), s) in &per_route {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "joan_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "joan_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(out, "joan_http_request_duration_seconds_sum{{{labels}}} {}", s.sum);
            let _ = writeln!(out, "joan_http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
        drop(map);
        drop(guard);
        let store = &core.store;
        for (name, help, value) in [
            (
                "joan_events_appended_total",
                "Events appended by this process.",
                store.appended_events(),
            ),
            (
                "joan_group_commits_total",
                "Append transactions (each carries a group of commands).",
                store.batches(),
            ),
            (
                "joan_log_fsyncs_total",
                "fsyncs of SQLite's log that acknowledged commits.",
                store.syncs(),
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
        }
        let _ = writeln!(out, "# HELP joan_event_log_head Position of the last event in the log.");
        let _ = writeln!(out, "# TYPE joan_event_log_head gauge");
        let head = *core.store.head().borrow();
        let _ = writeln!(out, "joan_event_log_head {head}");
        let _ = writeln!(
            out,
            "# HELP joan_projector_lag_events Events a catch-up projector has yet to apply."
        );
        let _ = writeln!(out, "# TYPE joan_projector_lag_events gauge");
        for c in &core.catch_up {
            let _ = writeln!(
                out,
                "joan_projector_lag_events{{projector=\"{}\"}} {}",
                c.name(),
                (head - c.position()).max(0)
            );
        }
        out
    }
}
