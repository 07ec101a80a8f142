//! The command line, end to end: inputs, output formats, selection, exit
//! codes, exceptions.

mod support;

use std::path::Path;

use predicates::prelude::*;
use support::{palisade, repo_root, scan_json};

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn findings_of<'a>(report: &'a serde_json::Value, check: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["checkId"] == check)
        .collect()
}

#[test]
fn findings_point_at_the_offending_field() {
    let (code, report) = scan_json(&[&data("located.yaml"), "--select", "PAL-WL-003"]);
    assert_eq!(code, 1);
    let f = &findings_of(&report, "PAL-WL-003")[0];
    assert_eq!(f["location"]["line"], 12);
    assert_eq!(f["location"]["column"], 7);
    assert_eq!(f["path"], "spec.containers[0].securityContext.privileged");
    assert_eq!(f["resource"]["kind"], "Pod");
    assert_eq!(f["resource"]["namespace"], "team-a");
    assert_eq!(f["resource"]["name"], "located");
    for key in ["checkId", "severity", "title", "message", "remediation"] {
        assert!(f[key].is_string(), "finding lacks {key}");
    }
}

#[test]
fn json_report_has_totals_and_errors() {
    let (_, report) = scan_json(&[&data("located.yaml")]);
    assert_eq!(report["schemaVersion"], 1);
    let totals = &report["totals"];
    assert_eq!(totals["files"], 1);
    assert_eq!(totals["resources"], 1);
    assert!(totals["checks"].as_u64().unwrap() >= 40);
    assert!(report["errors"].as_array().unwrap().is_empty());
    assert_eq!(
        totals["findings"].as_u64().unwrap() as usize,
        report["findings"].as_array().unwrap().len()
    );
}

#[test]
fn list_kinds_are_expanded_with_item_locations() {
    let (_, report) = scan_json(&[&data("list.yaml"), "--select", "PAL-WL-002"]);
    assert_eq!(report["totals"]["resources"], 2);
    let f = findings_of(&report, "PAL-WL-002");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["resource"]["name"], "second");
    assert_eq!(f[0]["location"]["line"], 20);
}

#[test]
fn json_files_and_stdin_are_scanned() {
    let (_, report) = scan_json(&[&data("pod.json"), "--select", "PAL-WL-002"]);
    let f = findings_of(&report, "PAL-WL-002");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["location"]["line"], 6);

    let text = std::fs::read_to_string(data("list.yaml")).unwrap();
    let out = palisade()
        .args(["scan", "-", "--format", "json", "--select", "PAL-WL-002"])
        .write_stdin(text)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings_of(&report, "PAL-WL-002")[0]["location"]["file"],
        "<stdin>"
    );
}

#[test]
fn exit_codes_follow_the_threshold() {
    // located.yaml has one critical finding and nothing else of high severity.
    palisade()
        .args(["scan", &data("located.yaml"), "--select", "PAL-WL-003"])
        .assert()
        .code(1);
    palisade()
        .args([
            "scan",
            &data("located.yaml"),
            "--select",
            "PAL-WL-003",
            "--fail-on",
            "none",
        ])
        .assert()
        .code(0);
    palisade()
        .args(["scan", &data("located.yaml"), "--select", "PAL-WL-005"])
        .assert()
        .code(0);
    palisade()
        .args([
            "scan",
            &data("located.yaml"),
            "--fail-on",
            "critical",
            "--ignore",
            "PAL-WL-003",
        ])
        .assert()
        .code(0);
}

#[test]
fn unknown_checks_and_frameworks_are_usage_errors() {
    palisade()
        .args(["scan", &data("located.yaml"), "--select", "PAL-WL-999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown check"));
    palisade()
        .args(["scan", &data("located.yaml"), "--framework", "made-up"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown framework"));
    palisade()
        .args(["scan", &data("located.yaml"), "--pss-version", "v9.1"])
        .assert()
        .code(2);
    palisade()
        .args([
            "scan",
            &data("located.yaml"),
            "--select",
            "PAL-WL-018",
            "--pss-version",
            "v1.21",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists from v1.22"));
    palisade()
        .args(["scan", &data("located.yaml"), "--select", "PAL-WL-050"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("allow-list"));
}

#[test]
fn selection_by_area_slug_and_severity() {
    let (_, report) = scan_json(&[
        &repo_root().join("examples/insecure-app").to_string_lossy(),
        "--select",
        "privileged-container",
    ]);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["checkId"] == "PAL-WL-003"));
    let (_, report) = scan_json(&[
        &repo_root().join("examples/insecure-app").to_string_lossy(),
        "--min-severity",
        "critical",
    ]);
    assert!(!report["findings"].as_array().unwrap().is_empty());
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["severity"] == "critical"));
    let (_, all) = scan_json(&[
        &repo_root().join("examples/insecure-app").to_string_lossy(),
        "--select",
        "WL",
    ]);
    assert!(all["totals"]["checks"].as_u64().unwrap() >= 40);
    // ID prefixes: at a dash or inside the number, never mid-word.
    let selected = |token: &str| {
        let (_, report) = scan_json(&[
            &repo_root().join("examples/insecure-app").to_string_lossy(),
            "--select",
            token,
        ]);
        report
    };
    let tens = selected("PAL-WL-01");
    assert_eq!(tens["totals"]["checks"], 10);
    assert!(tens["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["checkId"].as_str().unwrap().starts_with("PAL-WL-01")));
    assert_eq!(
        selected("PAL-WL")["totals"]["checks"],
        all["totals"]["checks"]
    );
    support::palisade()
        .args(["scan", "examples/insecure-app", "--select", "PAL-W"])
        .current_dir(repo_root())
        .assert()
        .code(2);
}

#[test]
fn pss_framework_selects_exactly_that_level_at_that_version() {
    let (_, baseline) = scan_json(&[
        &data("located.yaml"),
        "--framework",
        "pss-baseline",
        "--pss-version",
        "v1.30",
    ]);
    assert_eq!(
        baseline["totals"]["checks"], 11,
        "baseline v1.30: 11 controls (no probe-host control before v1.34)"
    );
    let (_, restricted) = scan_json(&[
        &data("located.yaml"),
        "--framework",
        "pss-restricted",
        "--pss-version",
        "v1.30",
    ]);
    // 11 baseline + 6 restricted (no /proc restricted before v1.35), minus the
    // 3 baseline controls that restricted ones replace.
    assert_eq!(restricted["totals"]["checks"], 14);
    let (_, old) = scan_json(&[
        &data("located.yaml"),
        "--framework",
        "pss-restricted",
        "--pss-version",
        "v1.0",
    ]);
    assert_eq!(old["totals"]["checks"], 12);
}

#[test]
fn exceptions_suppress_expire_and_require_a_reason() {
    let (_, report) = scan_json(&[&data("exceptions.yaml"), "--select", "PAL-WL-003"]);
    let names: Vec<&str> = findings_of(&report, "PAL-WL-003")
        .iter()
        .map(|f| f["resource"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["expired", "no-reason"]);
    assert_eq!(report["totals"]["suppressed"], 1);
    assert_eq!(report["suppressed"][0]["resource"]["name"], "excepted");
    assert_eq!(
        report["suppressed"][0]["exception"]["reason"],
        "node agent reviewed in SEC-42"
    );
    let notices = report["exceptionNotices"].to_string();
    assert!(notices.contains("expired on 2020-01-01"), "{notices}");
    assert!(notices.contains("ignore-reason"), "{notices}");
}

#[test]
fn table_output_groups_by_resource_and_summarises() {
    palisade()
        .args(["scan", &data("located.yaml"), "--color", "never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Pod/team-a/located"))
        .stdout(predicate::str::contains("CRITICAL  PAL-WL-003"))
        .stdout(predicate::str::contains("Scanned 1 file, 1 resource with"));
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    palisade()
        .args([
            "scan",
            &data("located.yaml"),
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("Scanned 1 file"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert!(report["totals"]["findings"].as_u64().unwrap() > 0);
}

#[test]
fn directories_skip_hidden_and_git_ignored_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let pod = std::fs::read_to_string(data("located.yaml")).unwrap();
    std::fs::create_dir_all(root.join("apps/nested")).unwrap();
    std::fs::create_dir_all(root.join(".hidden")).unwrap();
    std::fs::write(root.join("apps/nested/pod.yml"), &pod).unwrap();
    std::fs::write(root.join("apps/pod.yaml"), &pod).unwrap();
    std::fs::write(root.join("apps/notes.txt"), "not yaml").unwrap();
    std::fs::write(root.join(".hidden/pod.yaml"), &pod).unwrap();
    std::fs::write(root.join("ignored.yaml"), &pod).unwrap();
    std::fs::write(root.join(".gitignore"), "ignored.yaml\n").unwrap();
    std::process::Command::new("git")
        .arg("init")
        .arg("-q")
        .arg(root)
        .status()
        .unwrap();
    let (_, report) = scan_json(&[root.to_str().unwrap()]);
    assert_eq!(report["totals"]["files"], 2, "{}", report["totals"]);
}

#[test]
fn kustomize_needs_a_tool_and_uses_it_when_present() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("kustomization.yaml"), "resources:\n- pod.yaml\n").unwrap();
    std::fs::copy(data("located.yaml"), app.join("pod.yaml")).unwrap();
    let empty_path = dir.path().join("empty-bin");
    std::fs::create_dir_all(&empty_path).unwrap();
    palisade()
        .env("PATH", &empty_path)
        .args(["scan", app.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "neither `kustomize` nor `kubectl`",
        ));

    // A stand-in `kustomize` that renders by concatenating the resources,
    // which is what `kustomize build` does for this kustomization.
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let tool = bin.join("kustomize");
    std::fs::write(
        &tool,
        "#!/bin/sh\n[ \"$1\" = build ] || exit 9\ncat \"$2/pod.yaml\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = palisade()
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .args([
            "scan",
            app.to_str().unwrap(),
            "--format",
            "json",
            "--select",
            "PAL-WL-003",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = findings_of(&report, "PAL-WL-003");
    assert_eq!(f.len(), 1);
    assert!(f[0]["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("(kustomize build)"));
}

#[test]
fn checks_list_and_explain() {
    palisade()
        .args(["checks", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("PAL-WL-003"))
        .stdout(predicate::str::contains("privileged-container"));
    palisade()
        .args(["checks", "explain", "PAL-WL-037"])
        .assert()
        .success()
        .stdout(predicate::str::contains("## What it checks"))
        .stdout(predicate::str::contains("## Remediation"));
    palisade()
        .args(["checks", "explain", "privileged-container"])
        .assert()
        .success();
    palisade()
        .args(["checks", "explain", "PAL-XX-001"])
        .assert()
        .code(2);
}

#[test]
fn hardened_example_is_clean_and_insecure_example_is_not() {
    palisade()
        .args([
            "scan",
            &repo_root().join("examples/hardened-app").to_string_lossy(),
        ])
        .assert()
        .code(0);
    palisade()
        .args([
            "scan",
            &repo_root().join("examples/insecure-app").to_string_lossy(),
        ])
        .assert()
        .code(1);
}

#[test]
fn exceptions_accept_slugs_and_report_unknown_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pod.yaml");
    let text = std::fs::read_to_string(data("located.yaml")).unwrap().replace(
        "  namespace: team-a\n",
        "  namespace: team-a\n  annotations:\n    palisade.dev/ignore: privileged-container, PAL-WL-999\n    palisade.dev/ignore-reason: test\n",
    );
    std::fs::write(&file, text).unwrap();
    let (_, report) = scan_json(&[file.to_str().unwrap(), "--select", "PAL-WL-003"]);
    assert_eq!(report["totals"]["suppressed"], 1);
    let notices = report["exceptionNotices"].to_string();
    assert!(
        notices.contains("PAL-WL-999") && notices.contains("not a palisade check"),
        "{notices}"
    );
}

#[test]
fn selections_tolerate_spaces_and_trailing_commas() {
    let (code, report) = scan_json(&[
        &data("located.yaml"),
        "--select",
        " PAL-WL-003, privileged-container,",
    ]);
    assert_eq!(code, 1);
    assert_eq!(report["totals"]["checks"], 1);
}

#[test]
fn output_dash_is_standard_output() {
    palisade()
        .args(["scan", &data("located.yaml"), "--format", "json", "-o", "-"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"schemaVersion\""));
    let dir = tempfile::tempdir().unwrap();
    palisade()
        .args([
            "scan",
            &data("located.yaml"),
            "-o",
            dir.path().join("missing/dir/x.json").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write the report"));
}

#[test]
fn registry_allow_list_entries_may_be_urls() {
    let (code, report) = scan_json(&[
        &data("located.yaml"),
        "--select",
        "PAL-WL-050",
        "--allowed-registries",
        "https://registry.example.com/",
    ]);
    assert_eq!(code, 0, "{report}");
    let (code, _) = scan_json(&[
        &data("located.yaml"),
        "--select",
        "PAL-WL-050",
        "--allowed-registries",
        "ghcr.io",
    ]);
    assert_eq!(code, 1);
}
