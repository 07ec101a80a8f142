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
