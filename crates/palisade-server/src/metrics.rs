//! Prometheus metrics of the webhook, in the text exposition format:
//! requests by outcome, decisions by check, and a latency histogram.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0,
];

#[derive(Default)]
pub struct Metrics {
    outcomes: Mutex<BTreeMap<&'static str, u64>>,
    decisions: Mutex<BTreeMap<(String, &'static str), u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Total latency in microseconds.
    sum_micros: AtomicU64,
}

impl Metrics {
    /// One request: `allowed`, `denied`, `error`, `rejected` (malformed,
    /// too large, too slow, too busy).
    pub fn request(&self, outcome: &'static str, latency: Duration) {
        if let Ok(mut map) = self.outcomes.lock() {
            *map.entry(outcome).or_default() += 1;
        }
        let seconds = latency.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(
            latency.as_micros().min(u128::from(u64::MAX)) as u64,
            Ordering::Relaxed,
        );
    }

    /// A check that decided a (non dry-run) request, in a mode.
    pub fn decision(&self, check: &str, mode: &'static str) {
        if let Ok(mut map) = self.decisions.lock() {
            *map.entry((check.to_string(), mode)).or_default() += 1;
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP palisade_admission_requests_total Admission requests by outcome.\n# TYPE palisade_admission_requests_total counter\n");
        if let Ok(map) = self.outcomes.lock() {
            for (outcome, n) in map.iter() {
                let _ = writeln!(
                    out,
                    "palisade_admission_requests_total{{outcome=\"{outcome}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP palisade_admission_findings_total Findings in admission decisions, by check and mode.\n# TYPE palisade_admission_findings_total counter\n");
        if let Ok(map) = self.decisions.lock() {
            for ((check, mode), n) in map.iter() {
                let _ = writeln!(
                    out,
                    "palisade_admission_findings_total{{check=\"{check}\",mode=\"{mode}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP palisade_admission_duration_seconds Time to answer an admission request.\n# TYPE palisade_admission_duration_seconds histogram\n");
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "palisade_admission_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "palisade_admission_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "palisade_admission_duration_seconds_sum {}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "palisade_admission_duration_seconds_count {count}");
        out
    }
}
