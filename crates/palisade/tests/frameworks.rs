//! `palisade frameworks` and users' own framework files.

mod support;

use support::{palisade, repo_root};

#[test]
fn list_and_show() {
    let list = palisade()
        .args(["frameworks", "list", "--format", "json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "cis-1.10",
            "cis-1.9",
            "nsa-cisa",
            "mitre",
            "pss-baseline",
            "pss-restricted",
            "pci-dss-4",
            "hipaa",
            "soc2",
            "nist-800-190"
        ]
    );
    palisade()
        .args(["frameworks", "show", "nsa-cisa-1.2"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "NSA/CISA Kubernetes Hardening Guidance",
        ));
    palisade()
        .args(["frameworks", "show", "iso-27001"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown framework `iso-27001`"));
}

#[test]
fn a_users_framework_is_scored_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.yaml");
    std::fs::write(
        &ours,
        "name: ours\ntitle: Our baseline\nversion: '3'\ncontrols:\n- id: OB-1\n  title: No privileged containers\n  checks: [PAL-WL-003]\n- id: OB-2\n  title: Reviewed by hand\n  manual: true\n",
    )
    .unwrap();
    let output = palisade()
        .current_dir(repo_root())
        .args([
            "scan",
            "examples/",
            "--format",
            "json",
            "--fail-on",
            "none",
            "--framework",
            "ours",
            "--framework-file",
        ])
        .arg(&ours)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rollup = &report["compliance"][0];
    assert_eq!(rollup["name"], "ours");
    assert_eq!(rollup["controls"][0]["status"], "FAIL");
    assert_eq!(rollup["controls"][1]["status"], "MANUAL");
    assert_eq!(report["totals"]["checks"], 1);

    for (text, expected) in [
        ("name: bad\ntitle: B\nversion: '1'\ncontrols:\n- id: X\n  title: x\n  checks: [PAL-WL-999]\n", "names checks that do not exist: PAL-WL-999"),
        ("name: bad\ntitle: B\nversion: '1'\ncontrols:\n- id: X\n  title: x\n  node: '9.9.9'\n", "names node recommendations that do not exist: 9.9.9"),
    ] {
        std::fs::write(&ours, text).unwrap();
        palisade()
            .args(["frameworks", "list", "--framework-file"])
            .arg(&ours)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(expected));
    }
}
