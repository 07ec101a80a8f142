//! Fake nodes, each with the verdict expected for every recommendation
//! (`tests/nodes/*.node`). `PALISADE_UPDATE_EXPECT=1` rewrites the
//! `expect` lines from the actual verdicts, for review in the diff.

mod support;

use std::collections::BTreeMap;
use std::fs;

use palisade_core::node::NodeReport;
use palisade_node::{audit, choose, discover, Options, Selection};

fn run(root: &std::path::Path) -> NodeReport {
    let node = discover(&Options {
        root: root.to_path_buf(),
        ..Options::default()
    });
    let (benchmark, choice) = choose(
        &node,
        &Selection::Auto {
            kubernetes_version: None,
        },
    )
    .unwrap();
    audit(&node, &benchmark, choice)
}

fn verdicts(report: &NodeReport) -> BTreeMap<String, String> {
    report
        .results
        .iter()
        .chain(&report.additional_checks)
        .map(|r| (r.id.clone(), r.status.as_str().to_string()))
        .collect()
}

fn check_fixture(name: &str) {
    if support::skip_without_root() {
        return;
    }
    let path = support::fixture(name);
    let tree = support::build(&path);
    let report = run(tree.root());
    let actual = verdicts(&report);
    if std::env::var_os("PALISADE_SHOW").is_some() {
        let mut out = Vec::new();
        palisade_report::node::NodeTableReporter { color: false }
            .render(&report, &mut out)
            .unwrap();
        println!("{}", String::from_utf8_lossy(&out));
    }
    if std::env::var_os("PALISADE_UPDATE_EXPECT").is_some() {
        let spec = fs::read_to_string(&path).unwrap();
        let mut kept: Vec<&str> = spec.lines().filter(|l| !l.starts_with("expect ")).collect();
        while kept.last().is_some_and(|l| l.trim().is_empty()) {
            kept.pop();
        }
        let mut text = kept.join("\n");
        text.push_str("\n\n");
        for result in report.results.iter().chain(&report.additional_checks) {
            text.push_str(&format!(
                "expect {} {}\n",
                result.id,
                result.status.as_str()
            ));
        }
        fs::write(&path, text).unwrap();
        return;
    }
    let mut wrong = Vec::new();
    for (id, status) in &actual {
        match tree.expected.get(id) {
            Some(want) if want == status => {}
            Some(want) => {
                let result = report
                    .results
                    .iter()
                    .chain(&report.additional_checks)
                    .find(|r| &r.id == id)
                    .unwrap();
                wrong.push(format!(
                    "{id}: expected {want}, got {status}: {:?} {:?}",
                    result.evidence, result.reason
                ));
            }
            None => wrong.push(format!("{id}: no expectation (got {status})")),
        }
    }
    for id in tree.expected.keys() {
        if !actual.contains_key(id) {
            wrong.push(format!("{id}: expected but not reported"));
        }
    }
    assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));
}

#[test]
fn kubeadm_control_plane_hardened() {
    check_fixture("kubeadm-control-plane-hardened.node");
}

#[test]
fn kubeadm_control_plane_insecure() {
    check_fixture("kubeadm-control-plane-insecure.node");
}

#[test]
fn kubeadm_worker_hardened() {
    check_fixture("kubeadm-worker-hardened.node");
}

#[test]
fn kubeadm_worker_insecure() {
    check_fixture("kubeadm-worker-insecure.node");
}

#[test]
fn kubeadm_bad_input() {
    check_fixture("kubeadm-bad-input.node");
}

#[test]
fn kubeadm_tricky() {
    check_fixture("kubeadm-tricky.node");
}

#[test]
fn rke2_server() {
    check_fixture("rke2-server.node");
}

#[test]
fn k3s_is_named_not_misjudged() {
    let dir = tempfile::tempdir().unwrap();
    let proc_dir = dir.path().join("proc/17");
    fs::create_dir_all(&proc_dir).unwrap();
    fs::write(proc_dir.join("cmdline"), "/usr/local/bin/k3s\0server\0").unwrap();
    let report = run(dir.path());
    assert!(
        report.warnings.iter().any(|w| w.contains("k3s")),
        "{:?}",
        report.warnings
    );
    assert_eq!(report.totals.fail, 0);
}
