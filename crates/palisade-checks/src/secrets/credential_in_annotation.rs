use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};
use serde_json::Value;

use crate::helpers::credentials::{classify, classify_format};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Reports the first credential of the applied object (one finding per
/// annotation is enough to act on), or a Secret's repeated values.
fn check_last_applied(applied: &Value, path: FieldPath, cx: &mut CheckContext<'_>) {
    if applied.get("kind").and_then(Value::as_str) == Some("Secret") {
        let values = ["data", "stringData"]
            .iter()
            .filter_map(|f| applied.get(*f).and_then(Value::as_object))
            .flat_map(|m| m.values())
            .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
            .count();
        if values > 0 {
            cx.fail(
                path,
                format!(
                    "last-applied-configuration repeats {values} Secret value(s) in clear text"
                ),
            );
        }
        return;
    }
    if let Some((where_, kind, redacted)) = find_credential(applied, "") {
        cx.fail(
            path,
            format!(
                "last-applied-configuration holds a credential under {where_:?}: {kind} {redacted}"
            ),
        );
    }
}

/// The first credential among the string values of `value`, judged by the
/// key (or, for `{name, value}` pairs like env entries, the name) it is
/// stored under.
fn find_credential(value: &Value, key: &str) -> Option<(String, &'static str, String)> {
    match value {
        Value::String(text) => {
            classify(key, text).map(|c| (key.to_string(), c.kind, c.redacted(text)))
        }
        Value::Array(items) => items.iter().find_map(|item| find_credential(item, key)),
        Value::Object(map) => {
            if let (Some(name), Some(Value::String(text))) =
                (map.get("name").and_then(Value::as_str), map.get("value"))
            {
                if let Some(c) = classify(name, text) {
                    return Some((name.to_string(), c.kind, c.redacted(text)));
                }
            }
            map.iter()
                .filter(|(k, _)| k.as_str() != "name")
                .find_map(|(k, v)| find_credential(v, k))
        }
        _ => None,
    }
}

declare_check! {
    /// ## What it checks
    /// Annotations of any object whose value has a well-known credential format (cloud
    /// access keys, private keys, tokens with a fixed prefix, JWTs, URLs with a
    /// password), and the `kubectl.kubernetes.io/last-applied-configuration` annotation:
    /// for a Secret, any non-empty `data` or `stringData` it repeats; for any object,
    /// credentials among its values (judged like environment variables and ConfigMap
    /// keys). Values are shown redacted.
    ///
    /// ## Why it matters
    /// Annotations are readable by everyone who can read the object, and `kubectl apply`
    /// copies the whole applied object into `last-applied-configuration`: a Secret
    /// applied that way carries its values a second time, in clear text, where Secret-specific
    /// access rules and redaction do not reach.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     kubectl.kubernetes.io/last-applied-configuration: |
    ///       {"kind":"Secret","stringData":{"password":"..."}}
    /// ```
    pub struct CredentialInAnnotation {
        id: "PAL-SEC-003",
        slug: "credential-in-annotation",
        title: "Annotation holds a credential",
        severity: High,
        target: Target::Object(&[]),
        remediation: "Remove the credential from the annotation (re-create the object with `kubectl apply --server-side` or `kubectl create`, which do not write it) and rotate the credential.",
        references: &["https://kubernetes.io/docs/concepts/security/secrets-good-practices/", "https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            let Some(annotations) = object.annotations() else { return };
            let base = FieldPath::root().join("metadata").join("annotations");
            for (key, value) in annotations {
                let Some(text) = value.as_str() else { continue };
                let path = base.join(key.clone());
                if key == LAST_APPLIED {
                    match serde_json::from_str::<Value>(text) {
                        Ok(applied) => check_last_applied(&applied, path, cx),
                        Err(_) => {
                            if let Some(credential) = classify_format(text) {
                                cx.fail(path, format!("annotation {key:?} holds a credential: {} {}", credential.kind, credential.redacted(text)));
                            }
                        }
                    }
                    continue;
                }
                if let Some(credential) = classify_format(text) {
                    cx.fail(path, format!("annotation {key:?} holds a credential: {} {}", credential.kind, credential.redacted(text)));
                }
            }
        }
    }
}
