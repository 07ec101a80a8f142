//! Shared helpers of the binary's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn palisade() -> Command {
    Command::cargo_bin("palisade").expect("the palisade binary is built")
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared data beside the repository (`../shared`), or where
/// `PALISADE_SHARED_DIR` points. Tests that need it fail, never skip, when
/// it is missing: conformance is a requirement, not an option.
pub fn shared_dir() -> PathBuf {
    let candidates = [
        std::env::var_os("PALISADE_SHARED_DIR").map(PathBuf::from),
        Some(repo_root().join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("pss-fixtures").is_dir())
        .expect("the shared data (pss-fixtures, corpus) was not found; set PALISADE_SHARED_DIR")
}

/// Runs a scan with JSON output and returns the exit code and the document.
pub fn scan_json(args: &[&str]) -> (i32, serde_json::Value) {
    let output = palisade()
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("palisade runs");
    let code = output.status.code().unwrap_or(-1);
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, json)
}

/// Runs a Python program with `input` on standard input; its standard
/// output is returned, and any failure fails the test.
pub fn python(program: &str, input: &str) -> String {
    let mut child = std::process::Command::new("python3")
        .args(["-c", program])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "python: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Headless Chromium, if installed; CI requires it
/// (PALISADE_REQUIRE_CHROMIUM).
pub fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("PALISADE_REQUIRE_CHROMIUM").is_none(),
            "Chromium is required (apt-get install chromium)"
        );
        eprintln!("skipping: Chromium is not installed");
    }
    found
}

/// The page's DOM after its script ran, for `file#fragment`.
pub fn rendered(browser: &Path, file: &Path, fragment: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}#{fragment}", file.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}
