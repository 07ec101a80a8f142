//! `palisade node` end to end, on the fake nodes of palisade-node's tests:
//! JSON shape, exit codes, benchmark choice, versioned semantics.

#[path = "../../palisade-node/tests/support/mod.rs"]
mod fake_node;
mod support;

use serde_json::Value;
use support::palisade;

fn audit(fixture: &str, extra: &[&str]) -> (i32, Value, fake_node::Tree) {
    let tree = fake_node::build(&fake_node::fixture(fixture));
    let output = palisade()
        .arg("node")
        .arg("--root")
        .arg(tree.root())
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().unwrap(), report, tree)
}

fn result<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["additionalChecks"].as_array().unwrap())
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result {id}"))
}

#[test]
fn json_has_one_entry_per_recommendation_with_evidence_and_summaries() {
    if fake_node::skip_without_root() {
        return;
    }
    let (code, report, tree) = audit("kubeadm-control-plane-insecure.node", &[]);
    assert_eq!(code, 1, "failures exit 1");
    assert_eq!(report["kind"], "nodeAudit");
    assert_eq!(report["benchmark"]["name"], "cis-1.10");
    let results = report["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        tree.expected
            .keys()
            .filter(|id| !id.starts_with("PAL-"))
            .count()
    );
    for r in results {
        let status = r["status"].as_str().unwrap();
        assert_eq!(
            Some(status),
            tree.expected
                .get(r["id"].as_str().unwrap())
                .map(String::as_str)
        );
        assert!(r["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(r["evidence"].is_array());
    }
    let profiling = result(&report, "1.2.15");
    assert_eq!(profiling["status"], "FAIL");
    assert_eq!(
        profiling["evidence"][0],
        "--profiling not set (default true)"
    );
    assert_eq!(
        profiling["remediation"],
        "set --profiling=false on kube-apiserver"
    );
    // The process's flags, not the manifest's, are in effect.
    assert_eq!(
        result(&report, "1.2.6")["evidence"][0],
        "--authorization-mode=AlwaysAllow (process 700)"
    );

    // Section counts add up to the totals, and to the results.
    let sum = |field: &str| -> u64 {
        report["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s[field].as_u64().unwrap())
            .sum()
    };
    for field in ["pass", "fail", "manual", "notApplicable", "error"] {
        assert_eq!(
            sum(field),
            report["totals"][field].as_u64().unwrap(),
            "{field}"
        );
        let status = match field {
            "notApplicable" => "NOT_APPLICABLE".to_string(),
            other => other.to_uppercase(),
        };
        let counted = results
            .iter()
            .filter(|r| r["status"] == status.as_str())
            .count() as u64;
        assert_eq!(counted, sum(field), "{field}");
    }
    assert_eq!(report["sections"][0]["title"], "Control Plane Components");
}

#[test]
fn exit_codes_follow_the_worst_verdict() {
    if fake_node::skip_without_root() {
        return;
    }
    let (hardened, report, _) = audit("kubeadm-control-plane-hardened.node", &[]);
    assert_eq!(hardened, 0, "{}", report["totals"]);
    let (broken, _, _) = audit("kubeadm-bad-input.node", &[]);
    assert_eq!(broken, 3, "an ERROR makes the audit incomplete");
}

#[test]
fn the_benchmark_follows_the_version_or_the_flag() {
    if fake_node::skip_without_root() {
        return;
    }
    // 1.29 images: no benchmark is written for 1.29, so the newest is used
    // and the reason says so.
    let (_, report, _) = audit("kubeadm-control-plane-insecure.node", &[]);
    let reason = report["benchmark"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("v1.29.1") && reason.contains("using cis-1.10"),
        "{reason}"
    );

    // v1.9 still accepted TLS_RSA_WITH_3DES_EDE_CBC_SHA for the API server.
    let ciphers = |report: &Value| {
        result(report, "1.2.29")["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        ciphers(&report).starts_with("review: likely not met"),
        "{}",
        ciphers(&report)
    );
    let (_, old, _) = audit(
        "kubeadm-control-plane-insecure.node",
        &["--benchmark", "cis-1.9"],
    );
    assert_eq!(old["benchmark"]["reason"], "chosen with --benchmark");
    assert_eq!(ciphers(&old), "review: what was found looks compliant");

    let (_, by_version, _) = audit(
        "kubeadm-worker-hardened.node",
        &["--kubernetes-version", "1.27"],
    );
    assert_eq!(by_version["benchmark"]["name"], "cis-1.9");
    let (_, undetected, _) = audit("kubeadm-worker-hardened.node", &[]);
    assert!(undetected["benchmark"]["reason"]
        .as_str()
        .unwrap()
        .contains("not detected"));
}

#[test]
fn bad_arguments_are_usage_errors() {
    palisade()
        .args(["node", "--root", "/nonexistent/node"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a directory"));
    palisade()
        .args(["node", "--benchmark", "cis-0.1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "unknown benchmark \"cis-0.1\"; known: cis-1.10, cis-1.9",
        ));
}
