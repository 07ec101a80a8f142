//! `palisade rbac who-can | can | paths` end to end, and the whole-
//! inventory checks as a scan runs them.

mod support;

use std::path::Path;

use support::{palisade, scan_json};

fn rbac_data() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/rbac")
        .to_string_lossy()
        .into_owned()
}

/// Runs `palisade rbac ARGS --format json` and returns the exit code and
/// the document.
fn rbac_json(args: &[&str]) -> (i32, serde_json::Value) {
    let output = palisade()
        .arg("rbac")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("palisade runs");
    let code = output.status.code().unwrap_or(-1);
    let doc = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, doc)
}

fn subjects(doc: &serde_json::Value) -> Vec<String> {
    doc["subjects"]
        .as_array()
        .expect("subjects array")
        .iter()
        .map(|s| match s["namespace"].as_str() {
            Some(ns) => format!(
                "{} {}/{}",
                s["kind"].as_str().unwrap(),
                ns,
                s["name"].as_str().unwrap()
            ),
            None => format!(
                "{} {}",
                s["kind"].as_str().unwrap(),
                s["name"].as_str().unwrap()
            ),
        })
        .collect()
}

#[test]
fn who_can_lists_every_subject_with_its_granting_chain() {
    let (code, doc) = rbac_json(&["who-can", "get", "secrets", &rbac_data()]);
    assert_eq!(code, 0);
    assert_eq!(
        subjects(&doc),
        [
            "Group auditors",
            "ServiceAccount ci/deployer",
            "ServiceAccount platform/operator"
        ]
    );
    let auditors = &doc["subjects"][0];
    let via = auditors["via"].as_array().unwrap();
    assert_eq!(via[0]["kind"], "ClusterRoleBinding");
    assert_eq!(via[0]["name"], "auditors-read-secrets");
    assert_eq!(via[0]["path"], "subjects[0]");
    assert!(via[0]["line"].as_u64().unwrap() > 0);
    assert_eq!(via[1]["kind"], "ClusterRole");
    assert_eq!(via[1]["name"], "secret-reader");
    assert_eq!(via[1]["rule"], "get,list secrets (core)");
    assert!(
        auditors.get("namespace").is_none(),
        "only service accounts carry a namespace"
    );
    // The deployer reads secrets through the built-in `edit` role, in one
    // namespace only.
    let deployer = &doc["subjects"][1];
    assert_eq!(deployer["namespace"], "ci");
    assert_eq!(deployer["scope"], "namespace platform");
    assert_eq!(deployer["via"][1]["name"], "edit");
    assert!(
        deployer["via"][1].get("file").is_none(),
        "built-in roles have no file"
    );
}

#[test]
fn who_can_respects_namespaces_subresources_and_cluster_scope() {
    let data = rbac_data();
    let (_, doc) = rbac_json(&["who-can", "get", "secrets", "-n", "ci", &data]);
    assert_eq!(
        subjects(&doc),
        ["Group auditors", "ServiceAccount platform/operator"]
    );
    let (_, doc) = rbac_json(&["who-can", "create", "pods/exec", "-n", "platform", &data]);
    assert_eq!(
        subjects(&doc),
        [
            "User alice",
            "ServiceAccount ci/deployer",
            "ServiceAccount platform/operator"
        ]
    );
    let (_, doc) = rbac_json(&["who-can", "get", "secrets", "--cluster-wide", &data]);
    assert_eq!(
        subjects(&doc),
        ["Group auditors", "ServiceAccount platform/operator"]
    );
    // `pods/exec` is not granted by `pods`.
    let (_, doc) = rbac_json(&["who-can", "create", "pods/exec", "-n", "ci", &data]);
    assert_eq!(subjects(&doc), ["ServiceAccount platform/operator"]);
}

#[test]
fn can_lists_what_a_subject_holds_including_through_its_groups() {
    let data = rbac_data();
    let (code, doc) = rbac_json(&["can", "User/bob", "--group", "auditors", &data]);
    assert_eq!(code, 0);
    let rules = doc["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["resources"][0], "secrets");
    assert_eq!(rules[0]["scope"], "cluster-wide");
    assert_eq!(rules[0]["grantedTo"], "Group auditors");
    assert_eq!(doc["clusterAdminEquivalent"], false);
    let (_, doc) = rbac_json(&["can", "system:serviceaccount:platform:operator", &data]);
    assert_eq!(doc["clusterAdminEquivalent"], true);
    assert_eq!(doc["subject"]["kind"], "ServiceAccount");
}

#[test]
fn paths_find_escalation_through_service_account_tokens() {
    let (code, doc) = rbac_json(&["paths", &rbac_data()]);
    assert_eq!(code, 1, "escalation paths exit with 1");
    let paths = doc["paths"].as_array().unwrap();
    let who: Vec<&str> = paths.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(who, ["deployer", "alice"]);
    let alice = &paths[1];
    let actions: Vec<&str> = alice["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert!(
        actions[0].starts_with("exec into running pods"),
        "{actions:?}"
    );
    assert!(actions[1].contains("platform/operator"), "{actions:?}");
    assert!(
        actions[2].starts_with("holds every permission"),
        "{actions:?}"
    );
    // The operator already is cluster-admin: that is a finding, not a path.
    assert!(!who.contains(&"operator"));
}

#[test]
fn bad_queries_are_usage_errors() {
    let data = rbac_data();
    for args in [
        vec!["rbac", "who-can", "get", "widgets", data.as_str()],
        vec!["rbac", "can", "Robot/x", data.as_str()],
        vec!["rbac", "can", "sa/only-namespace", data.as_str()],
    ] {
        let output = palisade().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("palisade: error:"), "{stderr}");
    }
}

#[test]
fn scan_reports_inventory_findings_on_the_granting_binding() {
    let (code, report) = scan_json(&[&rbac_data(), "--select", "PAL-RBAC-001,PAL-RBAC-003"]);
    assert_eq!(code, 1);
    let findings = report["findings"].as_array().unwrap();
    let admin: Vec<_> = findings
        .iter()
        .filter(|f| f["checkId"] == "PAL-RBAC-001")
        .collect();
    assert_eq!(admin.len(), 1);
    assert_eq!(admin[0]["resource"]["name"], "operator-admin");
    assert_eq!(admin[0]["path"], "subjects[0]");
    assert_eq!(admin[0]["location"]["line"], 60);
    let secrets: Vec<&str> = findings
        .iter()
        .filter(|f| f["checkId"] == "PAL-RBAC-003")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    // The operator (cluster-admin) is reported once, by PAL-RBAC-001.
    assert_eq!(secrets.len(), 2, "{secrets:?}");
    assert!(secrets
        .iter()
        .any(|m| m.contains("Group auditors") && m.contains("cluster-wide")));
    assert!(secrets
        .iter()
        .any(|m| m.contains("ServiceAccount ci/deployer") && m.contains("in namespace platform")));
}

#[test]
fn exceptions_apply_to_inventory_findings() {
    let dir = tempfile::tempdir().unwrap();
    let binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: breakglass\n  annotations:\n    palisade.dev/ignore: PAL-RBAC-001\n    palisade.dev/ignore-reason: break-glass account, reviewed\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects:\n- {apiGroup: rbac.authorization.k8s.io, kind: User, name: breakglass}\n";
    std::fs::write(dir.path().join("b.yaml"), binding).unwrap();
    let (code, report) = scan_json(&[
        dir.path().to_str().unwrap(),
        "--select",
        "PAL-RBAC-001,PAL-RBAC-014",
    ]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["suppressed"].as_array().unwrap().len(), 1);
    assert!(
        report["exceptionNotices"].as_array().unwrap().is_empty(),
        "{report}"
    );
}

#[test]
fn secret_rotation_age_is_configurable() {
    let secret = support::repo_root()
        .join("crates/palisade-checks/fixtures/secrets/secret-rotation-overdue/fail/created-last-year.yaml");
    let secret = secret.to_string_lossy();
    let count = |age: &str| {
        let (_, report) = scan_json(&[&secret, "--select", "PAL-SEC-005", "--secret-max-age", age]);
        report["findings"].as_array().unwrap().len()
    };
    assert_eq!(count("90"), 1);
    assert_eq!(count("1000"), 0);
}

#[test]
fn answers_say_when_they_may_be_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n",
    )
    .unwrap();
    let (code, doc) = rbac_json(&["who-can", "get", "pods", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        doc["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no Role, ClusterRole"),
        "{doc}"
    );
    std::fs::write(
        dir.path().join("b.yaml"),
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: eve}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:clusterrole-aggregation-controller}\nsubjects:\n- {apiGroup: rbac.authorization.k8s.io, kind: User, name: eve}\n",
    )
    .unwrap();
    let (_, doc) = rbac_json(&["can", "User/eve", dir.path().to_str().unwrap()]);
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("rules are unknown") && warnings.contains("ClusterRoleBinding eve"),
        "{warnings}"
    );
}

#[test]
fn malformed_verbs_and_resources_are_usage_errors() {
    let data = rbac_data();
    for (verb, resource) in [
        ("GET", "pods"),
        ("", "pods"),
        ("get", "pods/"),
        ("get", "."),
        ("get", "pods/exec/x"),
    ] {
        let output = palisade()
            .args(["rbac", "who-can", verb, resource, &data])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{verb:?} {resource:?}");
    }
    let (code, doc) = rbac_json(&[
        "who-can",
        "create",
        "deployments.v1.apps",
        "-n",
        "platform",
        &data,
    ]);
    assert_eq!(code, 0);
    assert_eq!(doc["apiGroup"], "apps");
}
