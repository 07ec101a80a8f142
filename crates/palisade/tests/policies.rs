//! Users' policies through the binary: `policy test`, `scan --policies`
//! (every format, exceptions, the configuration file), `checks`.

mod support;

use std::path::Path;

use support::{palisade, python, repo_root, scan_json, shared_dir};

fn examples() -> String {
    repo_root()
        .join("policy-examples")
        .to_string_lossy()
        .into_owned()
}

fn insecure_app() -> String {
    repo_root()
        .join("examples/insecure-app")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn the_example_policies_pass_their_own_fixtures() {
    let output = palisade()
        .args(["policy", "test", &examples(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["policies"], 20);
    assert_eq!(report["failed"], 0);
    let fixtures = report["fixtures"].as_array().unwrap();
    assert!(fixtures.len() >= 40);
    // The UPDATE fixture of ACME-019 is an AdmissionReview.
    assert!(fixtures
        .iter()
        .any(|f| f["policy"] == "ACME-019" && f["expect"] == "fail" && f["findings"] == 1));
}

/// Copies one example policy into `dir`, for tests that break it.
fn copy_policy(name: &str, dir: &Path) {
    let from = repo_root().join("policy-examples").join(name);
    let to = dir.join(name);
    for sub in ["", "tests", "tests/fail", "tests/pass"] {
        std::fs::create_dir_all(to.join(sub)).unwrap();
        for entry in std::fs::read_dir(from.join(sub)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), to.join(sub).join(entry.file_name())).unwrap();
            }
        }
    }
}

#[test]
fn a_policy_that_misses_its_fixture_fails_the_test() {
    let dir = tempfile::tempdir().unwrap();
    copy_policy("no-latest-tag", dir.path());
    // A policy that now reports nothing: its fail fixtures must catch it.
    let rego = dir.path().join("no-latest-tag/policy.rego");
    let text = std::fs::read_to_string(&rego).unwrap();
    std::fs::write(
        &rego,
        text.replace(
            "endswith(image, \":latest\")",
            "endswith(image, \":never\")",
        )
        .replace(
            "not contains(image, \"@\")",
            "contains(image, \"never-there\")",
        ),
    )
    .unwrap();
    let output = palisade()
        .args(["policy", "test"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL  ACME-003") && stdout.contains("latest.yaml"),
        "{stdout}"
    );

    // Without pass fixtures, a policy is untested.
    std::fs::remove_dir_all(dir.path().join("no-latest-tag/tests/pass")).unwrap();
    let output = palisade()
        .args(["policy", "test"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("needs at least one fixture"));
}

#[test]
fn broken_policies_stop_the_scan_with_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    copy_policy("replica-ceiling", dir.path());
    let spec = dir.path().join("replica-ceiling/policy.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        text.replace("object.spec.replicas <=", "object.spec.replicas <=>"),
    )
    .unwrap();
    let output = palisade()
        .args(["scan", &insecure_app(), "--policies"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("replica-ceiling/policy.yaml: validations[0].expression"),
        "{stderr}"
    );
    palisade()
        .args([
            "scan",
            &insecure_app(),
            "--policies",
            "/nonexistent/policies",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "/nonexistent/policies: not a directory of policies",
        ));
}

#[test]
fn policies_report_like_checks_in_every_format() {
    let (code, report) = scan_json(&[
        &insecure_app(),
        "--policies",
        &examples(),
        "--select",
        "ACME",
    ]);
    assert_eq!(code, 1);
    let findings = report["findings"].as_array().unwrap();
    let registry: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["checkId"] == "ACME-002")
        .collect();
    assert!(!registry.is_empty());
    // Located at the image the Rego rule's `path` names.
    assert!(registry
        .iter()
        .all(|f| f["path"].as_str().unwrap().ends_with("].image")
            && f["location"]["line"].as_u64().unwrap() > 1));
    assert_eq!(registry[0]["severity"], "high");
    assert_eq!(report["totals"]["checks"], 20);

    // SARIF: rules for the policies, valid against the schema.
    let sarif = palisade()
        .args([
            "scan",
            &insecure_app(),
            "--policies",
            &examples(),
            "--select",
            "ACME",
            "--format",
            "sarif",
        ])
        .output()
        .unwrap();
    let schema = shared_dir().join("schemas/sarif-schema-2.1.0.json");
    let program = format!(
        "import json, sys, jsonschema\n\
         schema = json.load(open({schema:?}))\n\
         doc = json.load(sys.stdin)\n\
         jsonschema.Draft4Validator(schema).validate(doc)\n\
         run = doc['runs'][0]\n\
         print(sorted({{r['ruleId'] for r in run['results']}})[0], len(run['tool']['driver']['rules']))",
        schema = schema.to_string_lossy()
    );
    let printed = python(&program, &String::from_utf8_lossy(&sarif.stdout));
    assert_eq!(printed.trim(), "ACME-001 20");

    // `checks` knows them too.
    let list = palisade()
        .args(["checks", "list", "--policies", &examples()])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.contains("ACME-013") && list.contains("113 checks"),
        "{list}"
    );
    palisade()
        .args([
            "checks",
            "explain",
            "team-label-immutable",
            "--policies",
            &examples(),
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("A user policy in CEL"));
}

#[test]
fn the_configuration_file_loads_policies_and_excepts_their_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("palisade.yaml"),
        format!(
            "policies: [{}]\n\
             severity:\n  ACME-006: high\n\
             exceptions:\n\
             - checks: [no-latest-tag]\n  resource: {{kind: Deployment, name: shop-*}}\n  reason: tags are pinned at release\n",
            examples()
        ),
    )
    .unwrap();
    std::fs::copy(
        repo_root().join("examples/insecure-app/deployment.yaml"),
        dir.path().join("deployment.yaml"),
    )
    .unwrap();
    let output = palisade()
        .current_dir(dir.path())
        .args([
            "scan",
            "deployment.yaml",
            "--select",
            "ACME",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["checkId"] != "ACME-003"));
    assert!(report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["checkId"] == "ACME-003"));
    assert!(findings
        .iter()
        .filter(|f| f["checkId"] == "ACME-006")
        .all(|f| f["severity"] == "high"));
}

#[test]
fn a_policy_that_quotes_a_secret_never_prints_it() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policies/quotes-secrets");
    std::fs::create_dir_all(&policy).unwrap();
    std::fs::write(
        policy.join("policy.yaml"),
        "id: T-100\ntitle: Quotes secrets\nseverity: high\nkinds: [Secret]\nremediation: Do not.\n",
    )
    .unwrap();
    // A careless policy: it puts the value, decoded and raw, in its message.
    std::fs::write(
        policy.join("policy.rego"),
        "package careless\nimport rego.v1\ndeny contains sprintf(\"password %v (%v), token %v\", [base64.decode(input.data.password), input.data.password, input.stringData.token])\n",
    )
    .unwrap();
    let manifest = dir.path().join("secret.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\ndata:\n  password: aHVudGVyMi1wYXNzd29yZA==\nstringData:\n  token: s3cr3t-t0ken-value\n",
    )
    .unwrap();
    for format in ["json", "table", "sarif", "html"] {
        let output = palisade()
            .args([
                "scan",
                manifest.to_str().unwrap(),
                "--select",
                "T-100",
                "--format",
                format,
                "--policies",
            ])
            .arg(dir.path().join("policies"))
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8_lossy(&output.stdout);
        for leaked in ["hunter2", "aHVudGVy", "s3cr3t"] {
            assert!(!text.contains(leaked), "{format}: {text}");
        }
        assert!(text.contains("[REDACTED 16 chars]"), "{format}: {text}");
    }
}
