//! The admission decision alone, without HTTP: decode a review of a
//! typical Deployment, judge it with every single-object check, encode the
//! answer. Run with `cargo run --release -p palisade-server --example
//! decide_bench [POLICY_DIR]`; prints the latency distribution per request and the
//! throughput of one thread.

use std::time::Instant;

use palisade_core::Severity;
use palisade_server::admission::{Admission, AdmissionRequest, Modes, UpdateScope};
use serde_json::json;

// The allocator is the binary's: mimalloc, declared by regorus.

fn main() {
    // `decide_bench DIR`: with the user policies under DIR as well.
    let catalogue = match std::env::args().nth(1) {
        Some(dir) => palisade_policy::load(&[dir.into()], palisade_policy::LoadOptions::default())
            .expect("policies")
            .catalogue_with(palisade_checks::catalogue()),
        None => palisade_checks::catalogue(),
    };
    let engine = palisade_server::admission::unconfigured_engine(catalogue).expect("checks");
    let judge = Admission::new(
        engine,
        Modes::default(),
        Severity::Low,
        UpdateScope::Changes,
    );
    // A typical Deployment: two containers, probes, resources, a few
    // labels and environment variables.
    let container = |name: &str| {
        json!({
            "name": name, "image": "registry.example.com/shop/web:1.4.2",
            "ports": [{"containerPort": 8080}],
            "env": [{"name": "LOG_FORMAT", "value": "json"}, {"name": "MODE", "value": "prod"}],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
            "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
            "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}}
        })
    };
    let body = json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": "0d3b", "operation": "CREATE", "namespace": "shop", "object": {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web", "team": "shop"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
                         "containers": [container("web"), container("sidecar")]}}}}}
    })
    .to_string()
    .into_bytes();
    // DECIDE_BENCH_N: fewer rounds, for a profiler.
    let rounds: usize = std::env::var("DECIDE_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50_000);
    let mut latencies = Vec::with_capacity(rounds);
    let started = Instant::now();
    for _ in 0..rounds {
        let t = Instant::now();
        let request = AdmissionRequest::decode(&body).expect("review");
        let decision = judge.decide(&request);
        let answer = serde_json::to_vec(&decision.response.to_review()).expect("json");
        std::hint::black_box(answer);
        latencies.push(t.elapsed());
    }
    let total = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{} requests in {:.2?} on one thread: {:.0}/s; p50 {:.1?}, p99 {:.1?}, max {:.1?}",
        latencies.len(),
        total,
        latencies.len() as f64 / total.as_secs_f64(),
        at(0.5),
        at(0.99),
        latencies[latencies.len() - 1]
    );
}
