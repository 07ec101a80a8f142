//! How controls are judged from a report.

use std::sync::Arc;

use palisade_core::node::{NodeReport, NodeResult, NodeStatus};
use palisade_core::report::CheckRun;
use palisade_core::{CoverageGap, Finding, Pos, ResourceId, ScanReport};
use palisade_frameworks::parse;
use palisade_frameworks::rollup::{rollup_node, rollup_scan, ControlStatus};

const FRAMEWORK: &str = "name: test\ntitle: Test\nversion: '1'\ncontrols:\n\
- id: privileged\n  title: No privileged containers\n  checks: [PAL-WL-003]\n\
- id: host\n  title: No host namespaces\n  checks: [PAL-WL-002]\n\
- id: netpol\n  title: Namespaces isolated\n  checks: [PAL-NET-001]\n\
- id: ingress\n  title: Ingress has TLS\n  checks: [PAL-NET-010]\n\
- id: review\n  title: Reviewed by a person\n  manual: true\n  checks: [PAL-WL-003]\n\
- id: nothing\n  title: No check decides it\n\
- id: node\n  title: Anonymous auth off\n  node: '4.2.1'\n\
- id: mixed\n  title: Host and audit\n  checks: [PAL-WL-002, PAL-CP-001]\n";

fn finding(check: &str, name: &str) -> Finding {
    Finding {
        check: palisade_checks::find(check).unwrap().meta(),
        message: Arc::from("bad"),
        resource: Arc::new(ResourceId {
            api_version: "v1".into(),
            kind: "Pod".into(),
            namespace: Some("shop".into()),
            name: name.into(),
        }),
        file: Arc::from("pods.yaml"),
        pos: Pos::new(3, 1),
        path: Arc::from("spec"),
        severity: palisade_core::Severity::High,
    }
}

fn status_of(rollup: &palisade_frameworks::rollup::FrameworkRollup, id: &str) -> ControlStatus {
    rollup.controls.iter().find(|c| c.id == id).unwrap().status
}

#[test]
fn scan_controls_pass_fail_or_say_why_not() {
    let framework = parse("test.yaml", FRAMEWORK).unwrap();
    let report = ScanReport {
        findings: vec![finding("PAL-WL-003", "a"), finding("PAL-WL-003", "b")],
        check_runs: vec![
            CheckRun {
                id: "PAL-WL-003",
                evaluations: 3,
            },
            CheckRun {
                id: "PAL-WL-002",
                evaluations: 3,
            },
            CheckRun {
                id: "PAL-NET-001",
                evaluations: 1,
            },
            CheckRun {
                id: "PAL-NET-010",
                evaluations: 0,
            },
        ],
        not_evaluated: vec![CoverageGap {
            message: "missing permission to list networkpolicies in shop".into(),
            kind: "NetworkPolicy".into(),
            namespace: Some("shop".into()),
            checks: vec!["PAL-NET-001"],
            left_out: false,
        }],
        ..ScanReport::default()
    };
    let rollup = rollup_scan(&framework, &report);
    assert_eq!(status_of(&rollup, "privileged"), ControlStatus::Fail);
    assert_eq!(rollup.controls[0].failing.len(), 2);
    assert_eq!(
        rollup.controls[0].failing[0].location.as_deref(),
        Some("pods.yaml:3")
    );
    assert_eq!(status_of(&rollup, "host"), ControlStatus::Pass);
    // Withheld for lack of permission: not a pass.
    assert_eq!(status_of(&rollup, "netpol"), ControlStatus::NotEvaluated);
    // Nothing in scope: not a pass either.
    assert_eq!(status_of(&rollup, "ingress"), ControlStatus::NotApplicable);
    // Manual stays manual, with palisade's findings as hints.
    let review = rollup.controls.iter().find(|c| c.id == "review").unwrap();
    assert_eq!(review.status, ControlStatus::Manual);
    assert!(
        review.reason.as_deref().unwrap().contains("2 problem(s)"),
        "{:?}",
        review.reason
    );
    assert_eq!(status_of(&rollup, "nothing"), ControlStatus::Manual);
    assert_eq!(status_of(&rollup, "node"), ControlStatus::NotEvaluated);
    // A control passes only when all its checks ran.
    let mixed = rollup.controls.iter().find(|c| c.id == "mixed").unwrap();
    assert_eq!(mixed.status, ControlStatus::NotEvaluated);
    assert_eq!(
        mixed.reason.as_deref(),
        Some("PAL-CP-001 did not run in this scan")
    );
    assert_eq!((rollup.passed, rollup.failed, rollup.manual), (1, 1, 2));
    assert_eq!(rollup.score, Some(50.0));
}

#[test]
fn node_controls_follow_the_node_results() {
    let framework = parse("test.yaml", FRAMEWORK).unwrap();
    let result = |id: &str, status| NodeResult {
        id: id.into(),
        title: "t".into(),
        status,
        automated: true,
        evidence: vec![],
        reason: Some("kubelet uses anonymous-auth=true".into()),
        remediation: None,
    };
    let report = |status| NodeReport {
        benchmark: palisade_core::node::BenchmarkChoice {
            name: "cis-1.10".into(),
            version: "1.10.0".into(),
            reason: String::new(),
        },
        root: "/".into(),
        layout: "kubeadm".into(),
        role: "worker".into(),
        components: vec![],
        results: vec![result("4.2.1", status)],
        additional_checks: vec![],
        sections: vec![],
        totals: Default::default(),
        warnings: vec![],
    };
    let failing = rollup_node(&framework, &report(NodeStatus::Fail));
    assert_eq!(status_of(&failing, "node"), ControlStatus::Fail);
    assert_eq!(
        failing
            .controls
            .iter()
            .find(|c| c.id == "node")
            .unwrap()
            .failing[0]
            .resource,
        "kubelet uses anonymous-auth=true"
    );
    assert_eq!(
        status_of(&failing, "privileged"),
        ControlStatus::NotEvaluated
    );
    assert_eq!(
        status_of(&rollup_node(&framework, &report(NodeStatus::Pass)), "node"),
        ControlStatus::Pass
    );
    assert_eq!(
        status_of(
            &rollup_node(&framework, &report(NodeStatus::NotApplicable)),
            "node"
        ),
        ControlStatus::NotApplicable
    );
    assert_eq!(
        status_of(&rollup_node(&framework, &report(NodeStatus::Error)), "node"),
        ControlStatus::NotEvaluated
    );
}
