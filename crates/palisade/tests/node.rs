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

fn audit_text(fixture: &str, extra: &[&str]) -> String {
    let tree = fake_node::build(&fake_node::fixture(fixture));
    let output = palisade()
        .arg("node")
        .arg("--root")
        .arg(tree.root())
        .args(extra)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_format_carries_the_same_verdicts() {
    if fake_node::skip_without_root() {
        return;
    }
    let fixture = "kubeadm-control-plane-insecure.node";
    let tree = fake_node::build(&fake_node::fixture(fixture));
    let fails = tree.expected.values().filter(|s| *s == "FAIL").count();
    let total = tree.expected.len();

    let sarif = audit_text(fixture, &["--format", "sarif"]);
    let schema = support::shared_dir().join("schemas/sarif-schema-2.1.0.json");
    let program = format!(
        "import json, sys, jsonschema\nschema = json.load(open({:?}))\ndoc = json.load(sys.stdin)\njsonschema.Draft4Validator(schema).validate(doc)\nprint(len(doc['runs'][0]['results']))",
        schema.to_string_lossy()
    );
    assert_eq!(support::python(&program, &sarif).trim(), fails.to_string());

    let junit = audit_text(fixture, &["--format", "junit"]);
    let program = "import sys, xml.etree.ElementTree as ET\nroot = ET.fromstring(sys.stdin.read())\nprint(len(root.findall('.//testcase')), len(root.findall('.//failure')))";
    assert_eq!(
        support::python(program, &junit).trim(),
        format!("{total} {fails}")
    );

    let csv = audit_text(fixture, &["--format", "csv"]);
    let program = "import sys, csv\nrows = list(csv.DictReader(sys.stdin))\nprint(len(rows), sum(r['status'] == 'FAIL' for r in rows))";
    assert_eq!(
        support::python(program, &csv).trim(),
        format!("{total} {fails}")
    );

    let markdown = audit_text(fixture, &["--format", "markdown"]);
    assert!(
        markdown.contains("| 1 Control Plane Components |")
            && markdown.contains("| FAIL | 1.2.6 |"),
        "{markdown}"
    );
}

#[test]
fn the_cis_framework_scores_a_node() {
    if fake_node::skip_without_root() {
        return;
    }
    let (_, report, _) = audit(
        "kubeadm-control-plane-insecure.node",
        &["--framework", "cis-1.10"],
    );
    let rollup = &report["compliance"][0];
    assert_eq!(rollup["name"], "cis-1.10");
    let control = |id: &str| {
        rollup["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(control("1.2.6")["status"], "FAIL");
    assert_eq!(control("1.2.1")["status"], "MANUAL");
    assert_eq!(
        control("5.1.1")["status"],
        "NOT_EVALUATED",
        "policies are judged by scans"
    );
    let failed = rollup["failed"].as_u64().unwrap();
    let fails = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "FAIL" && r["automated"] == true)
        .count() as u64;
    assert_eq!(failed, fails, "every automated FAIL fails its control");
}

#[test]
fn the_node_html_report_renders_and_filters() {
    if fake_node::skip_without_root() {
        return;
    }
    let Some(browser) = support::chromium() else {
        return;
    };
    let tree = fake_node::build(&fake_node::fixture("kubeadm-control-plane-insecure.node"));
    let fails = tree.expected.values().filter(|s| *s == "FAIL").count();
    let total = tree.expected.len();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("node.html");
    palisade()
        .arg("node")
        .arg("--root")
        .arg(tree.root())
        .args(["--format", "html", "--framework", "cis-1.10", "-o"])
        .arg(&file)
        .assert()
        .code(1);
    let page = support::rendered(&browser, &file, "");
    assert!(page.contains(&format!("{total} of {total} shown")));
    assert!(page.contains("data-framework=\"cis-1.10\""));
    let failing = support::rendered(&browser, &file, "status=FAIL");
    assert!(
        failing.contains(&format!("{fails} of {total} shown")),
        "filtered by status"
    );
}
