//! User policies through the engine, as `palisade scan` and the webhook
//! run them: loading errors, CEL and Rego semantics, the request a policy
//! sees, and the limits on what one evaluation may take.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use palisade_core::{Pos, Resource, Settings, SourceRef, SpanIndex};
use palisade_engine::{Engine, Outcome};
use palisade_policy::{load, LoadOptions, PolicySet};
use serde_json::{json, Value};

/// Writes one policy directory: `policy.yaml` and, when given, `policy.rego`.
fn write_policy(root: &Path, name: &str, spec: &str, rego: Option<&str>) {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("policy.yaml"), spec).unwrap();
    if let Some(rego) = rego {
        std::fs::write(dir.join("policy.rego"), rego).unwrap();
    }
}

fn load_one(spec: &str, rego: Option<&str>) -> PolicySet {
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), "p", spec, rego);
    load(&[dir.path().to_path_buf()], LoadOptions::default()).unwrap_or_else(|e| {
        panic!("{e:?}");
    })
}

fn load_errors(spec: &str, rego: Option<&str>) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), "p", spec, rego);
    match load(&[dir.path().to_path_buf()], LoadOptions::default()) {
        Ok(_) => panic!("loaded: {spec}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn resource(object: Value) -> Resource {
    let source = SourceRef {
        file: Arc::from("test.yaml"),
        spans: Arc::new(SpanIndex::default()),
        base: palisade_core::span::ROOT_HASH,
        pos: Pos::default(),
    };
    Resource::from_value(object, source).unwrap()
}

/// The findings of the set's policies on `object`: (check, path, message).
fn judge(set: &PolicySet, object: Value) -> Vec<(String, String, String)> {
    let engine = Engine::new(set.checks(), Settings::default());
    let mut outcome = Outcome::default();
    engine.evaluate(resource(object), &mut outcome);
    outcome
        .findings
        .iter()
        .map(|f| {
            (
                f.check.id.to_string(),
                f.path.to_string(),
                f.message.to_string(),
            )
        })
        .collect()
}

fn deployment(replicas: i64, labels: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": labels},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [
            {"name": "app", "image": "nginx:1.27"},
            {"name": "side", "image": "registry.example.com/side:2"}
        ]}}}
    })
}

const HEADER: &str = "id: T-001\ntitle: Test policy\nseverity: medium\nremediation: Fix it.\n";

#[test]
fn cel_reads_integers_as_int_and_keys_with_dots_as_written() {
    let set = load_one(
        &format!(
            "{HEADER}kinds: [Deployment]\ncel:\n  validations:\n  \
             - expression: \"object.spec.replicas == 3\"\n    message: not three\n  \
             - expression: \"'app.kubernetes.io/name' in object.metadata.labels\"\n    message: no name label\n    fieldPath: .metadata.labels\n"
        ),
        None,
    );
    assert!(judge(
        &set,
        deployment(3, json!({"app.kubernetes.io/name": "web"}))
    )
    .is_empty());
    let findings = judge(&set, deployment(2, json!({"team": "a"})));
    assert_eq!(
        findings,
        vec![
            ("T-001".into(), "".into(), "not three".into()),
            (
                "T-001".into(),
                "metadata.labels".into(),
                "no name label".into()
            ),
        ]
    );
    // Kinds outside the policy's are not judged.
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}});
    assert!(judge(&set, pod).is_empty());
}

#[test]
fn cel_variables_params_match_conditions_and_messages() {
    let set = load_one(
        &format!(
            "{HEADER}params: {{max: 5}}\ncel:\n  matchConditions:\n  \
             - name: has-spec\n    expression: has(object.spec)\n  \
             variables:\n  - name: images\n    expression: object.spec.template.spec.containers.map(c, c.image)\n  \
             - name: untrusted\n    expression: \"variables.images.filter(i, !i.startsWith('registry.example.com/'))\"\n  \
             validations:\n  - expression: size(variables.untrusted) == 0\n    \
             messageExpression: \"'untrusted images: ' + variables.untrusted.join(', ')\"\n  \
             - expression: object.spec.replicas <= params.max\n    \
             messageExpression: \"1 + 'x'\"\n    message: too many replicas\n  \
             - expression: object.metadata.name != 'web'\n"
        ),
        None,
    );
    let findings: Vec<String> = judge(&set, deployment(9, json!({})))
        .into_iter()
        .map(|f| f.2)
        .collect();
    assert_eq!(
        findings,
        vec![
            "untrusted images: nginx:1.27".to_string(),
            // A message expression that fails falls back to the message.
            "too many replicas".to_string(),
            // Without a message, the expression is named.
            "failed expression: object.metadata.name != 'web'".to_string(),
        ]
    );
    // A match condition that is false: not judged at all.
    let no_spec = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}});
    assert!(judge(&set, no_spec).is_empty());
}

#[test]
fn a_policy_that_cannot_decide_fails_closed() {
    let set = load_one(
        &format!("{HEADER}cel:\n  validations:\n  - expression: object.spec.replicas\n"),
        None,
    );
    let findings = judge(&set, deployment(3, json!({})));
    assert_eq!(findings.len(), 1);
    assert!(
        findings[0]
            .2
            .starts_with("the policy could not be evaluated: validation"),
        "{findings:?}"
    );
    let set = load_one(
        &format!("{HEADER}cel:\n  validations:\n  - expression: object.spec.missing.field == 1\n"),
        None,
    );
    let findings = judge(&set, deployment(3, json!({})));
    assert!(
        findings[0].2.contains("could not be evaluated"),
        "{findings:?}"
    );
    // The CEL engine panics on a comprehension over a string (found by
    // the webhook's fuzz test): the policy fails on that object, quietly,
    // and judges the next one as usual.
    let set = load_one(
        &format!("{HEADER}cel:\n  validations:\n  - expression: \"object.metadata.labels.all(k, k != 'x')\"\n"),
        None,
    );
    let findings = judge(&set, deployment(3, json!("a-secret-looking-value")));
    assert_eq!(
        findings[0].2,
        "the policy could not be evaluated: the CEL engine failed on this object (an operation it does not support)"
    );
    assert!(judge(&set, deployment(3, json!({"app": "web"}))).is_empty());
}

#[test]
fn rego_v0_and_v1_deny_and_violation_with_paths() {
    let v1 = r#"package t
import rego.v1
deny contains {"msg": sprintf("container %v uses docker hub", [c.name]), "path": sprintf("spec.template.spec.containers[%d].image", [i])} if {
  some i
  c := input.spec.template.spec.containers[i]
  not startswith(c.image, "registry.example.com/")
}
"#;
    let set = load_one(HEADER, Some(v1));
    assert_eq!(
        judge(&set, deployment(1, json!({}))),
        vec![(
            "T-001".into(),
            "spec.template.spec.containers[0].image".into(),
            "container app uses docker hub".into()
        )]
    );
    let v0 = r#"package t2
violation[{"msg": msg}] {
  input.review.object.spec.replicas < input.parameters.min
  msg := sprintf("%v replicas on %v", [input.review.object.spec.replicas, input.review.operation])
}
"#;
    let set = load_one(&format!("{HEADER}params: {{min: 2}}\n"), Some(v0));
    assert_eq!(
        judge(&set, deployment(1, json!({})))[0].2,
        "1 replicas on CREATE",
        "a scan judges objects as a CREATE"
    );
    assert!(judge(&set, deployment(2, json!({}))).is_empty());
    let boolean = "package t3\nimport rego.v1\ndeny if input.metadata.name == \"web\"\n";
    let set = load_one(HEADER, Some(boolean));
    assert_eq!(judge(&set, deployment(1, json!({})))[0].2, "Test policy");
}

#[test]
fn policies_see_the_admission_request_they_are_judged_under() {
    let set = load_one(
        &format!(
            "{HEADER}cel:\n  validations:\n  - expression: \
             \"oldObject == null || oldObject.spec.replicas <= object.spec.replicas\"\n    \
             messageExpression: \"request.userInfo.username + ' scaled down on ' + request.operation\"\n"
        ),
        None,
    );
    let new = deployment(1, json!({}));
    let request = json!({"operation": "UPDATE", "userInfo": {"username": "dev"},
        "object": new, "oldObject": deployment(3, json!({}))});
    let engine = Engine::new(set.checks(), Settings::default());
    let mut outcome = Outcome::default();
    palisade_policy::with_request(request, || {
        engine.evaluate(resource(new.clone()), &mut outcome)
    });
    assert_eq!(outcome.findings.len(), 1);
    assert_eq!(&*outcome.findings[0].message, "dev scaled down on UPDATE");
    // Outside the request (a scan), the same object is a CREATE.
    assert!(judge(&set, new).is_empty());
}

#[test]
fn a_flood_of_violations_is_capped() {
    let rego = "package flood\nimport rego.v1\ndeny contains sprintf(\"n%v\", [n]) if some n in numbers.range(1, 120)\n";
    let set = load_one(HEADER, Some(rego));
    let findings = judge(&set, deployment(1, json!({})));
    assert_eq!(findings.len(), palisade_policy::MAX_VIOLATIONS + 1);
    assert_eq!(
        findings.last().unwrap().2,
        "and 70 more violations of this policy"
    );
}

/// The one finding of a policy judged with `options`, and how long it took.
fn judged_with(options: LoadOptions, rego: &str) -> (Vec<(String, String, String)>, Duration) {
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), "p", HEADER, Some(rego));
    let set = load(&[dir.path().to_path_buf()], options).unwrap();
    let started = std::time::Instant::now();
    let findings = judge(&set, deployment(1, json!({})));
    (findings, started.elapsed())
}

#[test]
fn runaway_rego_is_stopped_by_its_limits() {
    // Nine million iterations: far beyond 50 ms and the instruction
    // budget; whichever limit trips first stops it (on a loaded machine
    // the budget can win the race).
    let rego = "package slow\nimport rego.v1\ndeny contains \"many\" if count([x | some x in numbers.range(1, 3000); some y in numbers.range(1, 3000)]) > 1\n";
    let options = LoadOptions {
        time_limit: Duration::from_millis(50),
        ..LoadOptions::default()
    };
    let (findings, took) = judged_with(options, rego);
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0]
            .2
            .starts_with("the policy could not be evaluated")
            && (findings[0].2.contains("time") || findings[0].2.contains("instruction limit")),
        "{findings:?}"
    );
}

#[test]
fn greedy_rego_is_stopped_by_its_memory_budget() {
    // A list of two million strings: far beyond 8 MiB.
    let greedy = |n: u32| {
        format!("package greedy\nimport rego.v1\ndeny contains \"big\" if count([sprintf(\"%v\", [x]) | some x in numbers.range(1, {n})]) > 1\n")
    };
    let rego = &greedy(2_000_000);
    let options = LoadOptions {
        time_limit: Duration::from_secs(30),
        memory_limit: 8 << 20,
    };
    let (findings, _) = judged_with(options, rego);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0]
            .2
            .starts_with("the policy could not be evaluated")
            && findings[0].2.contains("emory"),
        "{findings:?}"
    );
    // With room enough, the same rule decides.
    let (findings, _) = judged_with(
        LoadOptions {
            time_limit: Duration::from_secs(30),
            memory_limit: 4 << 30,
        },
        &greedy(50_000),
    );
    assert_eq!(findings[0].2, "big");
}

#[test]
fn loading_problems_are_reported_at_their_files() {
    let errors = load_errors(
        "id: pal\ntitle: t\nseverity: urgent\nremediation: r\n",
        None,
    );
    let text = errors.join("\n");
    assert!(text.contains("policy.yaml: id `pal`"), "{text}");
    assert!(text.contains("severity `urgent`"), "{text}");
    assert!(
        text.contains("give the policy's logic under rego or cel"),
        "{text}"
    );

    let errors = load_errors(
        "id: PAL-WL-999\ntitle: t\nseverity: low\nremediation: r\ncel: {validations: [{expression: 'true'}]}\n",
        None,
    );
    assert!(
        errors[0].contains("reserved for palisade's own checks"),
        "{errors:?}"
    );

    let errors = load_errors(&format!("{HEADER}colour: red\n"), None);
    assert!(errors[0].contains("unknown field `colour`"), "{errors:?}");

    let errors = load_errors(HEADER, Some("package broken\ndeny[msg] {\n"));
    assert!(errors[0].contains("policy.rego:"), "{errors:?}");

    let errors = load_errors(HEADER, Some("package nothing\nallow := true\n"));
    assert!(
        errors[0].contains("declares neither a `violation` nor a `deny` rule"),
        "{errors:?}"
    );

    let errors = load_errors(
        &format!("{HEADER}cel:\n  validations:\n  - expression: \"object.(\"\n"),
        None,
    );
    assert!(
        errors[0].contains("validations[0].expression"),
        "{errors:?}"
    );

    let errors = load_errors(
        &format!(
            "{HEADER}cel:\n  validations:\n  - expression: 'true'\n    fieldPath: 'spec..x'\n"
        ),
        None,
    );
    assert!(errors[0].contains("fieldPath"), "{errors:?}");

    // Two policies with one ID.
    let dir = tempfile::tempdir().unwrap();
    let cel = "cel: {validations: [{expression: 'true'}]}\n";
    write_policy(dir.path(), "one", &format!("{HEADER}{cel}"), None);
    write_policy(dir.path(), "two", &format!("{HEADER}{cel}"), None);
    let errors = load(&[dir.path().to_path_buf()], LoadOptions::default())
        .err()
        .unwrap();
    assert!(
        errors[0].message.contains("id T-001 is also used by"),
        "{errors:?}"
    );

    // A directory without any policy.
    let empty = tempfile::tempdir().unwrap();
    let errors = load(&[empty.path().to_path_buf()], LoadOptions::default())
        .err()
        .unwrap();
    assert!(errors[0].message.contains("no policy here"));
}

#[test]
fn the_bundled_example_policies_load() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policy-examples");
    let set = load(&[examples], LoadOptions::default()).unwrap();
    assert_eq!(set.policies.len(), 20);
    let rego = set
        .policies
        .iter()
        .filter(|p| p.check.logic().language() == "Rego")
        .count();
    assert_eq!(rego, 10);
    assert!(set
        .policies
        .iter()
        .all(|p| !p.fail_fixtures.is_empty() && !p.pass_fixtures.is_empty()));
}
