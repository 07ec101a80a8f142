//! Admission verdicts with palisade's own checks.

use palisade_core::Severity;
use palisade_server::admission::{Admission, AdmissionRequest, Mode, Modes, UpdateScope};
use serde_json::{json, Value};

fn admission(fail_on: Severity) -> Admission {
    admission_judging(fail_on, UpdateScope::Changes)
}

fn admission_judging(fail_on: Severity, updates: UpdateScope) -> Admission {
    // As `palisade scan` selects them (checks needing configuration, such
    // as the registry allow-list, stay off), then those admission can run.
    let engine = palisade_server::admission::unconfigured_engine(palisade_checks::catalogue())
        .expect("checks");
    let mut modes = Modes::default();
    modes.namespaces.insert("staging".into(), Mode::Warn);
    modes.namespaces.insert("lab".into(), Mode::Audit);
    Admission::new(engine, modes, fail_on, updates)
}

fn pod(namespace: &str, privileged: bool, annotations: Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": namespace, "annotations": annotations},
        "spec": {"containers": [{"name": "app", "image": "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                                  "securityContext": {"privileged": privileged}}]}
    })
}

fn review(
    operation: &str,
    namespace: &str,
    object: Value,
    old: Option<Value>,
    sub: Option<&str>,
    dry_run: bool,
) -> AdmissionRequest {
    let body = json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002", "operation": operation, "namespace": namespace,
                     "subResource": sub, "object": object, "oldObject": old, "dryRun": dry_run}
    });
    AdmissionRequest::decode(body.to_string().as_bytes()).unwrap()
}

#[test]
fn enforce_denies_with_the_checks_and_their_fixes() {
    let judge = admission(Severity::High);
    let decision = judge.decide(&review(
        "CREATE",
        "shop",
        pod("shop", true, json!({})),
        None,
        None,
        false,
    ));
    let response = &decision.response;
    assert!(!response.allowed);
    let status = response.status.as_ref().unwrap();
    assert_eq!(status.code, 403);
    assert!(
        status.message.starts_with("palisade denied Pod/shop/web: "),
        "{}",
        status.message
    );
    assert!(
        status
            .message
            .contains("PAL-WL-003 (critical): container \"app\" runs privileged [fix: "),
        "{}",
        status.message
    );
    // Findings under the threshold are warnings, not reasons.
    assert!(response
        .warnings
        .iter()
        .all(|w| !w.starts_with("PAL-WL-003")));
    assert!(decision.record);
    let review = response.to_review();
    assert_eq!(
        review["response"]["uid"],
        "705ab4f5-6393-11e8-b7cc-42010a800002"
    );
}

#[test]
fn warn_and_audit_allow_and_tell() {
    let judge = admission(Severity::High);
    let warned = judge
        .decide(&review(
            "CREATE",
            "staging",
            pod("staging", true, json!({})),
            None,
            None,
            false,
        ))
        .response;
    assert!(warned.allowed);
    assert!(
        warned
            .warnings
            .iter()
            .any(|w| w.starts_with("PAL-WL-003 (critical)")),
        "{:?}",
        warned.warnings
    );
    let audited = judge
        .decide(&review(
            "CREATE",
            "lab",
            pod("lab", true, json!({})),
            None,
            None,
            false,
        ))
        .response;
    assert!(audited.allowed && audited.warnings.is_empty());
    assert!(audited.audit_annotations["palisade.dev/findings"].contains("PAL-WL-003"));
}

#[test]
fn exempt_namespaces_deletes_and_status_writes_are_not_judged() {
    let judge = admission(Severity::Low);
    for request in [
        review(
            "CREATE",
            "kube-system",
            pod("kube-system", true, json!({})),
            None,
            None,
            false,
        ),
        review(
            "DELETE",
            "shop",
            pod("shop", true, json!({})),
            None,
            None,
            false,
        ),
        review(
            "UPDATE",
            "shop",
            pod("shop", true, json!({})),
            Some(pod("shop", false, json!({}))),
            Some("status"),
            false,
        ),
    ] {
        let decision = judge.decide(&request);
        assert!(decision.response.allowed && decision.mode.is_none());
    }
    // Ephemeral debug containers change what runs: judged.
    let debug = judge.decide(&review(
        "UPDATE",
        "shop",
        pod("shop", true, json!({})),
        Some(pod("shop", false, json!({}))),
        Some("ephemeralcontainers"),
        false,
    ));
    assert!(!debug.response.allowed);
}

#[test]
fn updates_are_blamed_only_for_what_they_change() {
    let judge = admission(Severity::High);
    let unchanged = judge.decide(&review(
        "UPDATE",
        "shop",
        pod("shop", true, json!({})),
        Some(pod("shop", true, json!({}))),
        None,
        false,
    ));
    assert!(
        unchanged.response.allowed,
        "the problem predates the update"
    );
    let worsened = judge.decide(&review(
        "UPDATE",
        "shop",
        pod("shop", true, json!({})),
        Some(pod("shop", false, json!({}))),
        None,
        false,
    ));
    assert!(!worsened.response.allowed);
    // Judging whole updates blames the old problem too.
    let strict = admission_judging(Severity::High, UpdateScope::All);
    let unchanged = strict.decide(&review(
        "UPDATE",
        "shop",
        pod("shop", true, json!({})),
        Some(pod("shop", true, json!({}))),
        None,
        false,
    ));
    assert!(!unchanged.response.allowed);
}

#[test]
fn dry_runs_are_judged_but_not_recorded_and_exceptions_hold() {
    let judge = admission(Severity::High);
    let dry = judge.decide(&review(
        "CREATE",
        "shop",
        pod("shop", true, json!({})),
        None,
        None,
        true,
    ));
    assert!(!dry.response.allowed && !dry.record);
    let excepted = pod(
        "shop",
        true,
        json!({"palisade.dev/ignore": "PAL-WL-003", "palisade.dev/ignore-reason": "debug image, reviewed in SEC-9"}),
    );
    let decision = judge.decide(&review("CREATE", "shop", excepted, None, None, false));
    assert!(decision.response.allowed, "{:?}", decision.response.status);
}
