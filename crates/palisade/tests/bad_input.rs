//! Hostile and broken input: every case gives a clear, located message, no
//! panic, bounded time and memory, and the other inputs are still scanned.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};

use support::scan_json;

const GOOD_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: good\n  namespace: team-a\nspec:\n  hostPID: true\n  containers:\n  - name: app\n    image: nginx:1.25\n";

/// Writes `bad` next to a good file and scans both. Returns the report.
fn scan_with(bad_name: &str, bad: &[u8], extra: &[&str]) -> (i32, serde_json::Value, PathBuf) {
    let dir = tempfile::tempdir().unwrap().keep();
    std::fs::write(dir.join("good.yaml"), GOOD_POD).unwrap();
    std::fs::write(dir.join(bad_name), bad).unwrap();
    let mut args = vec![
        dir.to_str().unwrap().to_string(),
        "--select".into(),
        "PAL-WL-002".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, report) = scan_json(&refs);
    (code, report, dir)
}

fn good_file_still_scanned(report: &serde_json::Value) {
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["resource"]["name"] == "good");
    assert!(found, "the good file was not scanned: {report}");
}

fn only_error(report: &serde_json::Value) -> &serde_json::Value {
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    &errors[0]
}

/// Scans `bad` beside a good file and expects exactly one input error, at
/// `line` when given, whose message contains `needle`; the good file must
/// still be scanned. Returns the error.
fn expect_input_error(
    bad_name: &str,
    bad: &[u8],
    line: Option<u64>,
    needle: &str,
) -> serde_json::Value {
    let (code, report, _) = scan_with(bad_name, bad, &[]);
    assert_eq!(code, 2);
    let e = only_error(&report).clone();
    if let Some(line) = line {
        assert_eq!(e["line"], line);
    }
    assert!(e["message"].as_str().unwrap().contains(needle), "{e}");
    good_file_still_scanned(&report);
    e
}

fn ends_with(value: &serde_json::Value, name: &str) -> bool {
    value.as_str().is_some_and(|f| Path::new(f).ends_with(name))
}

#[test]
fn malformed_yaml_is_located() {
    let (code, report, _) = scan_with(
        "bad.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n  labels: {}\n",
        &[],
    );
    assert_eq!(code, 2);
    let e = only_error(&report);
    assert!(ends_with(&e["file"], "bad.yaml"));
    assert!(e["line"].as_u64().unwrap() >= 4);
    assert!(e["message"].as_str().unwrap().starts_with("invalid YAML"));
    good_file_still_scanned(&report);
}

#[test]
fn one_broken_document_does_not_hide_the_others_in_its_file() {
    let text = format!(
        "{GOOD_POD}---\nkind: [\n---\n{}",
        GOOD_POD.replace("good", "after")
    );
    let (code, report, _) = scan_with("multi.yaml", text.as_bytes(), &[]);
    assert_eq!(code, 2);
    let line = only_error(&report)["line"].as_u64().unwrap();
    assert!((12..=13).contains(&line), "error at line {line}");
    let names: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"after"), "{names:?}");
}

#[test]
fn malformed_json_is_located() {
    expect_input_error(
        "bad.json",
        b"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",,\n}\n",
        Some(3),
        "JSON",
    );
}

#[test]
fn non_kubernetes_yaml_is_a_located_warning() {
    let (code, report, _) = scan_with(
        "values.yaml",
        b"replicaCount: 2\nimage:\n  tag: latest\n",
        &[],
    );
    assert_eq!(code, 1, "findings of the good file, and no input error");
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0]["message"]
        .as_str()
        .unwrap()
        .contains("not a Kubernetes object"));
    assert_eq!(warnings[0]["line"], 1);
    good_file_still_scanned(&report);
}

#[test]
fn unknown_kinds_are_counted_and_typos_of_workloads_are_flagged() {
    let crd = b"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n";
    let (_, report, _) = scan_with("crd.yaml", crd, &[]);
    assert_eq!(report["totals"]["resources"], 2);
    assert!(report["warnings"].as_array().unwrap().is_empty());
    let typo = GOOD_POD
        .replace("kind: Pod", "kind: Pdo")
        .replace("good", "typo");
    let (_, report, _) = scan_with("typo.yaml", typo.as_bytes(), &[]);
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("Pdo") && warnings.contains("not checked"),
        "{warnings}"
    );
}

#[test]
fn binary_files_are_skipped_with_an_error() {
    expect_input_error(
        "blob.yaml",
        b"\x7fELF\x02\x01\x01\x00\x00\x00binary",
        None,
        "binary",
    );
}

#[test]
fn invalid_utf8_is_located() {
    expect_input_error(
        "latin1.yaml",
        b"apiVersion: v1\nkind: ConfigMap\ndata:\n  name: caf\xe9\n",
        Some(4),
        "UTF-8",
    );
}

#[test]
fn alias_bombs_are_stopped() {
    let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!("  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    expect_input_error("bomb.yaml", bomb.as_bytes(), None, "alias bomb");
}

#[test]
fn deeply_nested_documents_are_stopped() {
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata: {}{}\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let (code, report, _) = scan_with("deep.yaml", deep.as_bytes(), &[]);
    assert_eq!(code, 2);
    let e = only_error(&report);
    assert_eq!(e["line"], 5);
    good_file_still_scanned(&report);
}

#[test]
fn hundred_megabyte_inputs_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // One document of 100 MB: no Kubernetes object is that large, so it is
    // rejected before parsing.
    let big = dir.path().join("big.yaml");
    let mut f = std::fs::File::create(&big).unwrap();
    f.write_all(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: ")
        .unwrap();
    let line = vec![b'x'; 1 << 20];
    for _ in 0..100 {
        f.write_all(&line).unwrap();
    }
    f.write_all(b"\n").unwrap();
    drop(f);
    std::fs::write(dir.path().join("good.yaml"), GOOD_POD).unwrap();
    let (code, report) = scan_json(&[dir.path().to_str().unwrap(), "--select", "PAL-WL-002"]);
    assert_eq!(code, 2);
    let e = only_error(&report);
    assert!(e["message"].as_str().unwrap().contains("limit"), "{e}");
    assert_eq!(e["line"], 1);
    good_file_still_scanned(&report);

    // And a file over --max-file-size is skipped unread.
    let (code, report) = scan_json(&[
        dir.path().to_str().unwrap(),
        "--select",
        "PAL-WL-002",
        "--max-file-size",
        "10MB",
    ]);
    assert_eq!(code, 2);
    assert!(only_error(&report)["message"]
        .as_str()
        .unwrap()
        .contains("--max-file-size"));
    good_file_still_scanned(&report);
}

#[test]
fn unrendered_helm_templates_get_a_hint() {
    let template = b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"x\" . | nindent 4 }}\n";
    let (code, report, _) = scan_with("deployment.yaml", template, &[]);
    assert_eq!(code, 2);
    assert!(only_error(&report)["message"]
        .as_str()
        .unwrap()
        .contains("helm template"));
}

#[test]
fn missing_paths_are_errors_but_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), GOOD_POD).unwrap();
    let missing = dir.path().join("nope.yaml");
    let (code, report) = scan_json(&[
        dir.path().join("good.yaml").to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(only_error(&report)["message"]
        .as_str()
        .unwrap()
        .contains("cannot read"));
    good_file_still_scanned(&report);
}

#[test]
fn duplicate_keys_are_located_warnings_and_the_last_value_wins() {
    let pod = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\nspec:\n  hostIPC: true\n  containers: []\n";
    let (code, report, _) = scan_with("dup.yaml", pod, &[]);
    assert_eq!(code, 1, "warnings do not make the scan fail");
    let w = &report["warnings"][0];
    assert_eq!(w["line"], 5);
    assert!(w["message"].as_str().unwrap().contains("duplicate"));
    let names: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"b"), "{names:?}");
}

#[test]
fn pipes_named_on_the_command_line_are_read() {
    let out = support::palisade()
        .args([
            "scan",
            "/dev/stdin",
            "--format",
            "json",
            "--select",
            "PAL-WL-002",
        ])
        .write_stdin(GOOD_POD)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["totals"]["resources"], 1, "{report}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn stdin_and_files_named_twice_are_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let pod = dir.path().join("pod.yaml");
    std::fs::write(&pod, GOOD_POD).unwrap();
    let dotted = dir.path().join(".").join("pod.yaml");
    let (_, report) = scan_json(&[
        pod.to_str().unwrap(),
        dotted.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(report["totals"]["files"], 1);
    let out = support::palisade()
        .args(["scan", "-", "-", "--format", "json"])
        .write_stdin(GOOD_POD)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["totals"]["resources"], 1);
}

#[test]
fn list_shapes_are_all_expanded() {
    // A List in a List, a PodList whose items omit apiVersion and kind (API
    // responses), and a bare array of objects.
    let nested = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: inner}\n    spec: {hostPID: true, containers: []}\n";
    let (_, report, _) = scan_with("nested.yaml", nested.as_bytes(), &[]);
    assert!(report["findings"].to_string().contains("inner"), "{report}");
    let pod_list = "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: bare}\n  spec: {hostPID: true, containers: []}\n";
    let (_, report, _) = scan_with("podlist.yaml", pod_list.as_bytes(), &[]);
    assert!(report["findings"].to_string().contains("bare"), "{report}");
    let array = r#"[{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "in-array"}, "spec": {"hostPID": true, "containers": []}}]"#;
    let (_, report, _) = scan_with("array.json", array.as_bytes(), &[]);
    assert!(
        report["findings"].to_string().contains("in-array"),
        "{report}"
    );
}

#[test]
fn workloads_without_a_pod_spec_are_flagged() {
    let (code, report, _) = scan_with(
        "nospec.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: nospec\nspec: oops\n",
        &[],
    );
    assert_eq!(code, 1, "a warning, not an error");
    assert!(
        report["warnings"].to_string().contains("no pod spec"),
        "{report}"
    );
}

#[test]
fn concatenated_json_objects_are_all_scanned() {
    let pod = |name: &str| {
        format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{name}"}},"spec":{{"hostPID":true,"containers":[]}}}}"#
        )
    };
    let text = format!("{}\n{}\n", pod("first"), pod("second"));
    let (code, report, _) = scan_with("stream.json", text.as_bytes(), &[]);
    assert_eq!(code, 1, "{report}");
    let located: Vec<(String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource"]["name"] != "good")
        .map(|f| {
            (
                f["resource"]["name"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        located,
        [("first".to_string(), 1), ("second".to_string(), 2)]
    );
}

#[test]
fn utf16_with_a_byte_order_mark_is_decoded() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in GOOD_POD.replace("good", "wide").encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let (code, report, _) = scan_with("wide.yaml", &bytes, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(report["findings"].to_string().contains("wide"));
}

#[test]
fn directives_after_a_document_end_marker_are_valid() {
    let text = format!(
        "{}...\n%YAML 1.1\n---\n{}",
        GOOD_POD,
        GOOD_POD.replace("good", "second")
    );
    let (code, report, _) = scan_with("directives.yaml", text.as_bytes(), &[]);
    assert_eq!(code, 1, "{report}");
    assert!(report["errors"].as_array().unwrap().is_empty());
}

#[test]
fn inventory_problems_are_located_warnings_and_the_scan_completes() {
    let rbac = b"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: a
  labels: {agg: a}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {agg: b}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: b
  labels: {agg: b}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {agg: a}
  - matchExpressions: [{key: tier, operator: Sideways}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: odd, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Secret, name: x}
subjects:
- {kind: Robot, name: r2}
- {kind: ServiceAccount, name: ci}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken, namespace: team-a}
spec:
  podSelector:
    matchExpressions: [{key: app, operator: In, values: []}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken, namespace: team-a}
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: invalid, namespace: team-a}
spec:
  podSelector:
    matchExpressions: [{key: app, operator: Exists, values: [x]}]
";
    let (code, report, _) = scan_with("inventory.yaml", rbac, &["--select", "PAL-WL-002,NET,RBAC"]);
    assert_eq!(code, 1, "findings, not errors: {report}");
    good_file_still_scanned(&report);
    let warnings: Vec<(u64, String)> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["line"].as_u64().unwrap_or(0),
                w["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |line: u64, text: &str| warnings.iter().any(|(l, m)| *l == line && m.contains(text));
    assert!(has(18, "unknown operator"), "{warnings:?}");
    assert!(has(8, "aggregate each other"), "{warnings:?}");
    assert!(has(23, "roleRef kind \"Secret\""), "{warnings:?}");
    assert!(has(25, "subject kind \"Robot\""), "{warnings:?}");
    assert!(
        has(35, "duplicate object NetworkPolicy/team-a/broken"),
        "{warnings:?}"
    );
    assert!(has(45, "invalid podSelector"), "{warnings:?}");
    assert!(report["errors"].as_array().unwrap().is_empty());
}
