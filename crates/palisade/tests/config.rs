//! `palisade.yaml`: found upward from the working directory, applied under
//! the command line; exceptions with selectors, reasons and expiry;
//! severity overrides.

mod support;

use support::palisade;

const PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: node-agent\n  namespace: kube-system\nspec:\n  hostPID: true\n  containers:\n  - name: a\n    image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000\n    securityContext: {privileged: true}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: a\n    image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000\n    securityContext: {privileged: true}\n";

const CONFIG: &str = "checks:\n  select: [PAL-WL-002, privileged-container]\nseverity:\n  PAL-WL-002: low\nfail-on: critical\nexceptions:\n  - check: privileged-container\n    resource: {kind: Pod, namespace: kube-system, name: \"node-*\"}\n    reason: node agent needs the host (SEC-1)\n    owner: platform\n    until: 2999-12-31\n  - checks: [PAL-WL-002]\n    resource: {namespace: nowhere}\n    reason: stale entry\n  - check: PAL-WL-003\n    reason: expired waiver\n    until: 2001-01-01\n";

fn run(dir: &std::path::Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let output = palisade()
        .current_dir(dir.join("deep/inside"))
        .args(["scan", "../../pods.yaml", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code().unwrap(), json, stderr)
}

fn setup(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("deep/inside")).unwrap();
    std::fs::write(dir.path().join("pods.yaml"), PODS).unwrap();
    std::fs::write(dir.path().join("palisade.yaml"), config).unwrap();
    dir
}

#[test]
fn the_nearest_config_applies_under_the_command_line() {
    let dir = setup(CONFIG);
    let (code, report, _) = run(dir.path(), &[]);
    // Only the two selected checks ran.
    assert_eq!(report["totals"]["checks"], 2);
    let findings = report["findings"].as_array().unwrap();
    // The agent's privileged finding is excepted; the web pod's is not.
    let privileged: Vec<_> = findings
        .iter()
        .filter(|f| f["checkId"] == "PAL-WL-003")
        .collect();
    assert_eq!(privileged.len(), 1);
    assert_eq!(privileged[0]["resource"]["name"], "web");
    let suppressed = report["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1);
    let reason = suppressed[0]["exception"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("node agent needs the host (SEC-1) (owner: platform;"),
        "{reason}"
    );
    assert_eq!(suppressed[0]["exception"]["until"], "2999-12-31");
    // The severity override applies to findings.
    let host = findings
        .iter()
        .find(|f| f["checkId"] == "PAL-WL-002")
        .unwrap();
    assert_eq!(host["severity"], "low");
    // Unused and expired exceptions are told.
    let warnings: Vec<String> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w == "exception exceptions[1] suppressed nothing"),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("exception exceptions[2] expired on 2001-01-01")),
        "{warnings:?}"
    );
    // fail-on critical from the file: the remaining critical finding fails.
    assert_eq!(code, 1);
    // The command line wins over the file.
    let (code, _, _) = run(dir.path(), &["--fail-on", "none"]);
    assert_eq!(code, 0);
    let (_, everything, _) = run(dir.path(), &["--no-config"]);
    assert!(everything["totals"]["checks"].as_u64().unwrap() > 2);
}

#[test]
fn a_broken_config_is_a_usage_error_with_its_place() {
    for (config, expected) in [
        (
            "exceptions:\n  - check: PAL-XX-999\n    reason: r\n",
            "exceptions[0]: unknown check `PAL-XX-999`",
        ),
        (
            "exceptions:\n  - check: PAL-WL-003\n",
            "exceptions[0]: an exception needs a `reason`",
        ),
        ("checks:\n  selcet: [WL]\n", "unknown field `selcet`"),
        ("severity:\n  PAL-WL-003: urgent\n", "severity.PAL-WL-003"),
        (
            "exceptions:\n  - check: PAL-WL-003\n    reason: r\n    until: someday\n",
            "`until`",
        ),
    ] {
        let dir = setup(config);
        let (code, _, stderr) = run(dir.path(), &[]);
        assert_eq!(code, 2, "{config}: {stderr}");
        assert!(
            stderr.contains("palisade.yaml") && stderr.contains(expected),
            "{config}: {stderr}"
        );
    }
}

#[test]
fn a_check_selected_on_the_command_line_runs_whatever_the_file_ignores() {
    let dir = setup("checks:\n  ignore: [PAL-WL-003]\n");
    let (_, report, _) = run(dir.path(), &["--select", "privileged-container"]);
    assert_eq!(report["totals"]["checks"], 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 2);
}

#[test]
fn excepted_findings_are_suppressed_results_in_sarif() {
    let dir = setup(CONFIG);
    let output = palisade()
        .current_dir(dir.path().join("deep/inside"))
        .args([
            "scan",
            "../../pods.yaml",
            "--format",
            "sarif",
            "--fail-on",
            "none",
        ])
        .output()
        .unwrap();
    let sarif = String::from_utf8(output.stdout).unwrap();
    let schema = support::shared_dir().join("schemas/sarif-schema-2.1.0.json");
    let program = format!(
        "import json, sys, jsonschema\nschema = json.load(open({:?}))\ndoc = json.load(sys.stdin)\njsonschema.Draft4Validator(schema).validate(doc)\nprint(sum(1 for r in doc['runs'][0]['results'] if r.get('suppressions')))",
        schema.to_string_lossy()
    );
    assert_eq!(support::python(&program, &sarif).trim(), "1");
    assert!(
        sarif.contains("\"justification\":\"node agent needs the host (SEC-1) (owner: platform;")
    );
}
