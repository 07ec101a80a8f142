//! No request body can make the webhook panic. The decoder and the judge
//! (every built-in check and the example user policies in Rego and CEL)
//! are driven with arbitrary bytes, byte-level damage to real reviews and
//! type-confused objects grown from the checks' own fixtures, and every
//! answer is checked for the shape the API server needs.
//!
//! CI runs proptest's default number of cases per property; search deeper
//! with `PROPTEST_CASES=20000 cargo test --release -p palisade-server
//! --test fuzz`. A failing case is shrunk and saved under
//! `tests/fuzz.proptest-regressions`, which is committed so it is replayed first.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use palisade_collect::manifest::{document_chunks, parse_chunk, resources_from_document, Limits};
use palisade_core::Severity;
use palisade_server::admission::{Admission, AdmissionRequest, Mode, Modes, UpdateScope};
use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde_json::{json, Map, Value};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The webhook's judge with everything it can run: the built-in checks
/// and the example policies, with a warn namespace and an audit one.
static JUDGE: LazyLock<Admission> = LazyLock::new(|| {
    let catalogue = palisade_policy::load(
        &[repository().join("policy-examples")],
        palisade_policy::LoadOptions::default(),
    )
    .expect("the example policies load")
    .catalogue_with(palisade_checks::catalogue());
    let engine = palisade_server::admission::unconfigured_engine(catalogue).expect("checks");
    let mut modes = Modes::default();
    modes.namespaces.insert("staging".into(), Mode::Warn);
    modes.namespaces.insert("lab".into(), Mode::Audit);
    Admission::new(engine, modes, Severity::Medium, UpdateScope::Changes)
});

/// Every YAML document of the built-in checks' fixtures, the policy
/// examples' fixtures and the bundled examples: objects that reach deep
/// into the paths the checks read.
static SEEDS: LazyLock<Vec<Value>> = LazyLock::new(|| {
    let mut files = Vec::new();
    for dir in [
        "crates/palisade-checks/fixtures",
        "policy-examples",
        "examples",
    ] {
        yaml_files(&repository().join(dir), &mut files);
    }
    files.sort();
    let limits = Limits::default();
    let mut seeds = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let name: Arc<str> = Arc::from(file.display().to_string());
        for chunk in document_chunks(&text) {
            for document in parse_chunk(&name, chunk, &limits).into_iter().flatten() {
                let objects = resources_from_document(&name, document);
                seeds.extend(objects.resources.into_iter().map(|r| r.value));
            }
        }
    }
    assert!(seeds.len() > 500, "only {} seed objects", seeds.len());
    seeds
});

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// The seed objects that are AdmissionReviews (the policy examples'
/// UPDATE fixtures) are used as whole requests; the others are wrapped.
fn review_of(seed: &Value, operation: &str, namespace: &str, old: Option<Value>) -> Value {
    if seed["kind"] == "AdmissionReview" {
        return seed.clone();
    }
    json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "3f0c6a52-fuzz", "operation": operation, "namespace": namespace,
            "kind": {"group": "", "version": "v1", "kind": seed["kind"].clone()},
            "userInfo": {"username": "dev@example.com", "groups": ["system:authenticated"]},
            "object": seed, "oldObject": old, "dryRun": false,
        }
    })
}

/// Decodes and judges a body as `/validate` does, and checks the answer
/// is one the API server can act on.
fn judge_body(body: &[u8]) {
    let Ok(request) = AdmissionRequest::decode(body) else {
        return;
    };
    for label in [None, Some(Mode::Warn)] {
        let decision = JUDGE.decide_labelled(&request, label);
        let response = &decision.response;
        assert_eq!(response.uid, request.uid);
        assert_eq!(response.allowed, response.status.is_none());
        if let Some(status) = &response.status {
            assert_eq!(status.code, 403);
            assert!(status.message.starts_with("palisade denied "));
        }
        if !matches!(request.operation.as_str(), "CREATE" | "UPDATE") {
            assert!(decision.mode.is_none() && response.allowed);
        }
        serde_json::to_vec(&response.to_review()).expect("the answer encodes");
    }
}

/// Field names the checks and policies read, so that damage lands where
/// it matters more often than a random name would.
const KEYS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "labels",
    "annotations",
    "spec",
    "template",
    "jobTemplate",
    "containers",
    "initContainers",
    "ephemeralContainers",
    "image",
    "imagePullPolicy",
    "securityContext",
    "privileged",
    "allowPrivilegeEscalation",
    "capabilities",
    "add",
    "drop",
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "fsGroup",
    "supplementalGroups",
    "seccompProfile",
    "appArmorProfile",
    "seLinuxOptions",
    "type",
    "localhostProfile",
    "procMount",
    "readOnlyRootFilesystem",
    "sysctls",
    "value",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "hostUsers",
    "hostPath",
    "path",
    "volumes",
    "volumeMounts",
    "mountPath",
    "ports",
    "containerPort",
    "hostPort",
    "env",
    "envFrom",
    "valueFrom",
    "secretKeyRef",
    "resources",
    "limits",
    "requests",
    "cpu",
    "memory",
    "livenessProbe",
    "readinessProbe",
    "serviceAccountName",
    "automountServiceAccountToken",
    "replicas",
    "selector",
    "matchLabels",
    "rules",
    "verbs",
    "resources",
    "apiGroups",
    "subjects",
    "roleRef",
    "data",
    "stringData",
    "items",
    "windowsOptions",
    "hostProcess",
    "nodeName",
    "tolerations",
    "externalName",
    "loadBalancerSourceRanges",
    "tls",
    "hosts",
    "host",
    "backend",
    "ttlSecondsAfterFinished",
    "concurrencyPolicy",
    "schedule",
    "object",
    "oldObject",
    "request",
    "uid",
    "operation",
    "subResource",
    "dryRun",
    "userInfo",
    "groups",
];

const STRINGS: &[&str] = &[
    "",
    "0",
    "-1",
    "true",
    "null",
    "v1",
    "apps/v1",
    "batch/v1",
    "Pod",
    "Deployment",
    "CronJob",
    "Secret",
    "ClusterRole",
    "ALL",
    "SYS_ADMIN",
    "NET_RAW",
    "Unconfined",
    "RuntimeDefault",
    "Localhost",
    "unmasked",
    "*",
    "/",
    "/var/run/docker.sock",
    "/etc",
    "nginx",
    "nginx:latest",
    "nginx@sha256:",
    "registry.example.com/a/b:1",
    "100m",
    "1Gi",
    "-5Gi",
    "1e9",
    "0x10",
    "kube-system",
    "default",
    "shop",
    "staging",
    "lab",
    "CREATE",
    "UPDATE",
    "DELETE",
    "ephemeralcontainers",
    "status",
    "cGFzc3dvcmQ=",
    "%%%not-base64",
    "\u{0}",
    "é\u{202e}ü",
    "${HOME}",
];

/// JSON that decodes to awkward values: overflowing numbers, lone
/// surrogates, negative zero, other types.
const TOKENS: &[&[u8]] = &[
    b"null",
    b"[]",
    b"{}",
    b"1e999",
    b"-1e999",
    b"\"\\ud800\"",
    b"-0",
    b"true",
    b"\"x\"",
    b"18446744073709551616",
    b",",
    b":",
    b"\"",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        select(vec![0i64, 1, -1, 65535, 65536, i64::MAX, i64::MIN]).prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        select(vec![0.5f64, -0.0, 1e308, -1e-308, 2.5e9]).prop_map(|f| json!(f)),
        select(STRINGS).prop_map(|s| json!(s)),
        proptest::collection::vec(any::<char>(), 0..16)
            .prop_map(|c| Value::String(c.into_iter().collect())),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(KEYS).prop_map(str::to_string),
        1 => proptest::collection::vec(any::<char>(), 0..8).prop_map(|c| c.into_iter().collect()),
    ]
}

/// Any JSON value, a few levels deep.
fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One piece of damage to a tree, at the node `at` picks.
#[derive(Debug, Clone)]
enum Damage {
    Replace(Index, Value),
    Remove(Index),
    Insert(Index, String, Value),
    /// Another copy of an array's element (one more container).
    Repeat(Index),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        3 => (any::<Index>(), value()).prop_map(|(at, v)| Damage::Replace(at, v)),
        1 => any::<Index>().prop_map(Damage::Remove),
        2 => (any::<Index>(), key(), value()).prop_map(|(at, k, v)| Damage::Insert(at, k, v)),
        1 => any::<Index>().prop_map(Damage::Repeat),
    ]
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    At(usize),
}

fn node_paths(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push(Step::Key(key.clone()));
                node_paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(Step::At(i));
                node_paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(mut value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    for step in path {
        value = match step {
            Step::Key(key) => &mut value[key.as_str()],
            Step::At(i) => &mut value[*i],
        };
    }
    value
}

fn apply(tree: &mut Value, damage: &Damage) {
    let mut paths = Vec::new();
    node_paths(tree, &mut Vec::new(), &mut paths);
    let pick = |at: &Index| paths[at.index(paths.len())].clone();
    match damage {
        Damage::Replace(at, v) => *node_mut(tree, &pick(at)) = v.clone(),
        Damage::Remove(at) => {
            let mut path = pick(at);
            let Some(last) = path.pop() else {
                return;
            };
            match (node_mut(tree, &path), last) {
                (Value::Object(map), Step::Key(key)) => {
                    map.remove(&key);
                }
                (Value::Array(items), Step::At(i)) => {
                    items.remove(i);
                }
                _ => {}
            }
        }
        Damage::Insert(at, key, v) => match node_mut(tree, &pick(at)) {
            Value::Object(map) => {
                map.insert(key.clone(), v.clone());
            }
            Value::Array(items) => items.push(v.clone()),
            _ => {}
        },
        Damage::Repeat(at) => {
            if let Value::Array(items) = node_mut(tree, &pick(at)) {
                if let Some(first) = items.first().cloned() {
                    items.push(first);
                }
            }
        }
    }
}

fn seed() -> impl Strategy<Value = Value> {
    any::<Index>().prop_map(|i| SEEDS[i.index(SEEDS.len())].clone())
}

fn operation() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => Just("CREATE"),
        4 => Just("UPDATE"),
        1 => Just("DELETE"),
        1 => Just("CONNECT"),
    ]
}

proptest! {
    #[test]
    fn any_bytes_are_refused_or_judged(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        judge_body(&body);
    }

    #[test]
    fn damaged_review_bodies_are_refused_or_judged(
        seed in seed(),
        cuts in proptest::collection::vec((any::<Index>(), any::<u8>(), 0u8..5), 1..6),
    ) {
        let mut body = review_of(&seed, "CREATE", "shop", None).to_string().into_bytes();
        for (at, byte, how) in cuts {
            let i = at.index(body.len().max(1)).min(body.len());
            match how {
                0 if i < body.len() => body[i] = byte,
                1 => body.insert(i, byte),
                2 if i < body.len() => { body.remove(i); }
                3 => {
                    let token = TOKENS[usize::from(byte) % TOKENS.len()];
                    body.splice(i..i, token.iter().copied());
                }
                _ => body.truncate(i),
            }
        }
        judge_body(&body);
    }

    #[test]
    fn type_confused_objects_are_judged(
        seed in seed(),
        damages in proptest::collection::vec(damage(), 1..5),
        operation in operation(),
        namespace in select(vec!["shop", "staging", "lab", "kube-system", ""]),
        old_damages in proptest::option::of(proptest::collection::vec(damage(), 0..3)),
    ) {
        let mut object = seed.clone();
        for d in &damages {
            apply(&mut object, d);
        }
        let old = old_damages.map(|ds| {
            let mut old = seed.clone();
            for d in &ds {
                apply(&mut old, d);
            }
            old
        });
        judge_body(review_of(&object, operation, namespace, old).to_string().as_bytes());
    }

    #[test]
    fn damaged_request_fields_are_refused_or_judged(
        seed in seed(),
        damages in proptest::collection::vec(damage(), 1..5),
    ) {
        // The damage lands anywhere in the review: uid, operation,
        // userInfo, the envelope itself.
        let mut review = review_of(&seed, "UPDATE", "shop", Some(seed.clone()));
        for d in &damages {
            apply(&mut review, d);
        }
        judge_body(review.to_string().as_bytes());
    }
}

/// JSON nests at most 128 deep (serde_json's limit), so the deepest object
/// a request can carry is judged on a judge thread's stack.
#[test]
fn the_deepest_decodable_objects_are_judged() {
    let deep = |depth: usize, leaf: Value| (0..depth).fold(leaf, |v, _| json!([v]));
    let deep_map = |depth: usize| (0..depth).fold(json!("x"), |v, _| json!({"securityContext": v}));
    for depth in [100, 118] {
        let object = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "deep", "namespace": "shop", "labels": deep_map(depth)},
            "spec": {
                "containers": [{"name": "app", "image": "nginx:1", "env": deep(depth, json!("v")),
                                 "securityContext": deep_map(depth)}],
                "volumes": deep(depth, json!({"hostPath": {"path": "/"}})),
            }
        });
        let body = review_of(&object, "CREATE", "shop", Some(object.clone())).to_string();
        assert!(
            AdmissionRequest::decode(body.as_bytes()).is_ok(),
            "depth {depth}"
        );
        // Judged on a thread with the judges' stack, not the test's.
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || judge_body(body.as_bytes()))
            .unwrap()
            .join()
            .unwrap();
    }
    let too_deep =
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": deep_map(200)}});
    let too_deep = review_of(&too_deep, "CREATE", "shop", None).to_string();
    assert!(AdmissionRequest::decode(too_deep.as_bytes()).is_err());
}
