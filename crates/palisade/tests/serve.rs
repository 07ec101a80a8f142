//! `palisade serve admission` as a process: it answers over HTTPS, and a
//! SIGTERM (what the kubelet sends) stops it cleanly.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

/// A self-signed certificate and its key, from openssl, for `name`.
fn self_signed(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let (cert, key) = (
        dir.join(format!("{name}.crt")),
        dir.join(format!("{name}.key")),
    );
    let made = Command::new("openssl")
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
        ])
        .args([
            "-subj",
            &format!("/CN={name}"),
            "-addext",
            &format!("subjectAltName=DNS:{name}"),
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    (cert, key)
}

#[test]
fn the_webhook_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(dir.path(), "localhost");
    // A free port: bound, then released for the server.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("palisade"))
        .args([
            "serve",
            "admission",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--tls-cert",
        ])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .args(["--namespace-mode", "staging=warn"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = format!("https://localhost:{port}");
    let curl = |args: &[&str]| {
        let output = Command::new("curl")
            .args([
                "-sS",
                "--max-time",
                "10",
                "--retry",
                "20",
                "--retry-connrefused",
                "--retry-delay",
                "0",
                "--cacert",
            ])
            .arg(&cert)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert_eq!(curl(&[&format!("{url}/healthz")]), "ok\n");
    let review = serde_json::json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": "1", "operation": "CREATE", "namespace": "staging", "object": {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "staging"},
            "spec": {"hostPID": true, "containers": [{"name": "c", "image": "nginx"}]}}}
    })
    .to_string();
    let answer = curl(&[
        "-H",
        "Content-Type: application/json",
        "--data-binary",
        &review,
        &format!("{url}/validate"),
    ]);
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["response"]["allowed"], true, "warn mode allows");
    assert!(answer["response"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().starts_with("PAL-WL-002")));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
}

#[test]
fn the_installation_manifests_scan_clean() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(dir.path(), "palisade-ca");
    let image = "registry.example.com/palisade@sha256:1c4f7a2d5e8b0c3f6a9d2e5b8c1f4a7d0e3b6c9f2a5d8e1b4c7f0a3d6e9b2c58";
    let printed = support::palisade()
        .args([
            "admission",
            "manifests",
            "--namespace",
            "guard",
            "--image",
            image,
            "--ca-bundle",
        ])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(printed.status.success());
    let manifests = dir.path().join("webhook.yaml");
    std::fs::write(&manifests, &printed.stdout).unwrap();
    // `palisade scan` of the webhook's own installation finds nothing.
    let (code, report) = support::scan_json(&[manifests.to_str().unwrap()]);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "{}",
        report["findings"]
    );
    assert_eq!(code, 0);
    assert_eq!(report["totals"]["resources"], 10);
    let text = String::from_utf8(printed.stdout).unwrap();
    assert!(
        text.contains("failurePolicy: Fail")
            && text.contains("values: [\"guard\", \"kube-system\"")
    );
    assert!(text.contains("--exempt-namespace=guard"));

    support::palisade()
        .args([
            "admission",
            "manifests",
            "--namespace",
            "Bad_NS",
            "--image",
            image,
            "--ca-bundle",
        ])
        .arg(&cert)
        .assert()
        .code(2);
    support::palisade()
        .args(["admission", "manifests", "--image", image, "--ca-bundle"])
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a PEM certificate"));
}
