//! `--baseline` and `palisade diff`: findings matched by fingerprint, so
//! moving lines changes nothing and only real changes show.

mod support;

use support::{palisade, scan_json};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000\n    securityContext:\n      privileged: true\n";

const JOB: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: job\n  namespace: shop\nspec:\n  hostPID: true\n  containers:\n  - name: app\n    image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000\n";

#[test]
fn a_baseline_hides_known_findings_and_diff_names_the_changes() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("app.yaml");
    let old_report = dir.path().join("old.json");
    let new_report = dir.path().join("new.json");
    let select = ["--select", "PAL-WL-002,PAL-WL-003"];

    std::fs::write(&manifest, POD).unwrap();
    let (_, old) = scan_json(&[manifest.to_str().unwrap(), select[0], select[1]]);
    std::fs::write(&old_report, old.to_string()).unwrap();
    assert_eq!(old["findings"].as_array().unwrap().len(), 1);

    // Lines move (a comment above), and a second pod adds a finding.
    std::fs::write(&manifest, format!("# moved\n\n{POD}---\n{JOB}")).unwrap();
    let (code, new) = scan_json(&[
        manifest.to_str().unwrap(),
        select[0],
        select[1],
        "--baseline",
        old_report.to_str().unwrap(),
    ]);
    let findings = new["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["checkId"], "PAL-WL-002");
    assert_eq!(new["totals"]["baselined"], 1);
    assert_eq!(code, 1, "a new finding still fails the scan");

    let (_, full) = scan_json(&[manifest.to_str().unwrap(), select[0], select[1]]);
    std::fs::write(&new_report, full.to_string()).unwrap();
    let diff = palisade()
        .args([
            "diff",
            old_report.to_str().unwrap(),
            new_report.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(diff.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&diff.stdout).unwrap();
    assert_eq!(doc["new"].as_array().unwrap().len(), 1);
    assert_eq!(doc["new"][0]["resource"], "Pod/shop/job");
    assert_eq!(doc["fixed"].as_array().unwrap().len(), 0);
    assert_eq!(doc["unchanged"], 1);

    // Reversed, the job's finding is fixed and nothing is new.
    let back = palisade()
        .args([
            "diff",
            new_report.to_str().unwrap(),
            old_report.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(back.status.code(), Some(0));
    let text = String::from_utf8(back.stdout).unwrap();
    assert!(
        text.contains("Fixed:")
            && text.contains("Pod/shop/job")
            && text.ends_with("0 new, 1 fixed, 1 unchanged\n"),
        "{text}"
    );
}

#[test]
fn a_report_without_fingerprints_still_matches() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("app.yaml");
    std::fs::write(&manifest, POD).unwrap();
    let (_, mut old) = scan_json(&[manifest.to_str().unwrap(), "--select", "PAL-WL-003"]);
    for finding in old["findings"].as_array_mut().unwrap() {
        finding.as_object_mut().unwrap().remove("fingerprint");
    }
    let old_report = dir.path().join("old.json");
    std::fs::write(&old_report, old.to_string()).unwrap();
    let (code, new) = scan_json(&[
        manifest.to_str().unwrap(),
        "--select",
        "PAL-WL-003",
        "--baseline",
        old_report.to_str().unwrap(),
    ]);
    assert_eq!(new["findings"].as_array().unwrap().len(), 0);
    assert_eq!(code, 0);
}

#[test]
fn an_unreadable_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("bogus.json");
    std::fs::write(&bogus, "{\"not\": \"a report\"}").unwrap();
    palisade()
        .args(["scan", "examples/", "--baseline", bogus.to_str().unwrap()])
        .current_dir(support::repo_root())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no `findings` array"));
}

#[test]
fn the_same_object_in_two_files_has_two_fingerprints() {
    // Two overlays each holding Pod shop/web: a baseline of one does not
    // hide the other.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dev")).unwrap();
    std::fs::create_dir_all(dir.path().join("prod")).unwrap();
    let dev = dir.path().join("dev/app.yaml");
    let prod = dir.path().join("prod/app.yaml");
    std::fs::write(&dev, POD).unwrap();
    std::fs::write(&prod, POD).unwrap();
    let (_, old) = scan_json(&[prod.to_str().unwrap(), "--select", "PAL-WL-003"]);
    let old_report = dir.path().join("old.json");
    std::fs::write(&old_report, old.to_string()).unwrap();
    let (_, both) = scan_json(&[
        dev.to_str().unwrap(),
        prod.to_str().unwrap(),
        "--select",
        "PAL-WL-003",
        "--baseline",
        old_report.to_str().unwrap(),
    ]);
    let findings = both["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0]["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("dev/app.yaml"));
}
