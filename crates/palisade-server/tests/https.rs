//! The webhook served over HTTPS on a loopback port, spoken to with curl
//! as the API server would: reviews allowed and denied, health, metrics,
//! malformed, oversized and slow requests, concurrent load, and a
//! shutdown that finishes what is in flight.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use palisade_core::Severity;
use palisade_server::admission::{Admission, Modes, UpdateScope};
use palisade_server::http::{Limits, Webhook};
use serde_json::json;

struct Running {
    addr: SocketAddr,
    dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: std::thread::JoinHandle<()>,
}

/// A self-signed certificate for 127.0.0.1 and localhost, from openssl.
fn certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("tls.crt"), dir.join("tls.key"));
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .args([
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    (cert, key)
}

fn start(limits: Limits) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path());
    let engine = palisade_server::admission::unconfigured_engine(palisade_checks::catalogue())
        .expect("checks");
    let webhook = Webhook::new(
        Admission::new(
            engine,
            Modes::default(),
            Severity::High,
            UpdateScope::Changes,
        ),
        limits,
    );
    let tls = palisade_server::tls::server_config(&cert, &key).unwrap();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let done = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            webhook
                .serve(listener, tls, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
    });
    let addr = addr_rx.recv().unwrap();
    Running {
        addr,
        dir,
        stop: Some(stop),
        done,
    }
}

impl Running {
    /// curl against the server: (HTTP status, body).
    fn curl(&self, args: &[&str]) -> (u16, String) {
        let output = Command::new("curl")
            .args(["-sS", "--max-time", "20", "--cacert"])
            .arg(self.dir.path().join("tls.crt"))
            .args(["-w", "\n%{http_code}"])
            .args(args)
            .output()
            .expect("curl runs");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
        (code.trim().parse().unwrap_or(0), body.to_string())
    }

    fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }

    fn post(&self, body: &str) -> (u16, String) {
        // One file per request: concurrent requests must not share one.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let file = self.dir.path().join(format!("body-{n}.json"));
        std::fs::write(&file, body).unwrap();
        self.curl(&[
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            &format!("@{}", file.display()),
            &self.url("/validate"),
        ])
    }

    fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.done.join().unwrap();
    }
}

fn review(privileged: bool) -> String {
    json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": "b2f6", "operation": "CREATE", "namespace": "shop", "object": {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"containers": [{"name": "app", "image": "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                                      "securityContext": {"privileged": privileged}}]}}}
    })
    .to_string()
}

#[test]
fn reviews_health_and_metrics_over_https() {
    let server = start(Limits::default());
    assert_eq!(
        server.curl(&[&server.url("/healthz")]),
        (200, "ok\n".to_string())
    );
    assert_eq!(server.curl(&[&server.url("/readyz")]).0, 200);

    let (code, body) = server.post(&review(true));
    assert_eq!(code, 200);
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["kind"], "AdmissionReview");
    assert_eq!(answer["response"]["uid"], "b2f6");
    assert_eq!(answer["response"]["allowed"], false);
    assert!(answer["response"]["status"]["message"]
        .as_str()
        .unwrap()
        .contains("PAL-WL-003"));

    let (_, body) = server.post(&review(false));
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["response"]["allowed"], true);

    let (code, body) = server.post("{\"apiVersion\": \"v1\"");
    assert_eq!(code, 400, "{body}");
    let (code, _) = server.curl(&[&server.url("/validate")]);
    assert_eq!(code, 405);

    let (_, metrics) = server.curl(&[&server.url("/metrics")]);
    assert!(
        metrics.contains("palisade_admission_requests_total{outcome=\"denied\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("palisade_admission_requests_total{outcome=\"allowed\"} 1"));
    assert!(metrics.contains("palisade_admission_requests_total{outcome=\"rejected\"} 1"));
    assert!(metrics
        .contains("palisade_admission_findings_total{check=\"PAL-WL-003\",mode=\"enforce\"} 1"));
    assert!(metrics.contains("palisade_admission_duration_seconds_count 3"));
    server.stop();
}

#[test]
fn oversized_and_slow_requests_are_refused() {
    let server = start(Limits {
        max_body: 4096,
        deadline: Duration::from_secs(2),
        ..Limits::default()
    });
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(10_000));
    assert_eq!(server.post(&big).0, 413);
    // A client that sends headers and then nothing is cut off at the
    // deadline, not held forever.
    let started = std::time::Instant::now();
    let (code, _) = server.curl(&[
        "-H",
        "Content-Length: 100",
        "-H",
        "Expect:",
        "--data-binary",
        "x",
        &server.url("/validate"),
    ]);
    assert!(code == 408 || code == 0, "{code}");
    assert!(started.elapsed() < Duration::from_secs(10));
    server.stop();
}

#[test]
fn concurrent_requests_are_all_answered() {
    let server = Arc::new(start(Limits::default()));
    let body = review(true);
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let server = Arc::clone(&server);
            let body = body.clone();
            std::thread::spawn(move || server.post(&body).0)
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), 200);
    }
    let server = Arc::try_unwrap(server).ok().unwrap();
    server.stop();
}
