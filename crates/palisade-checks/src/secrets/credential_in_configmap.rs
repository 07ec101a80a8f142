use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};
use serde_json::Value;

use crate::helpers::credentials::classify;

declare_check! {
    /// ## What it checks
    /// ConfigMap `data` values that are credentials: well-known formats (cloud access
    /// keys, private-key blocks, GitHub, Slack, Google and Stripe tokens, JWTs, URLs with
    /// a password), values of keys named like a secret (`password`, `*_TOKEN`, `api-key`,
    /// ...) that are literals rather than references, and long high-entropy strings.
    /// Values are shown redacted.
    ///
    /// ## Why it matters
    /// ConfigMaps are not meant for secrets: they are readable by every role that can
    /// view the namespace (the built-in `view` role cannot read Secrets but can read
    /// ConfigMaps), printed by debugging tools, and never encrypted at rest.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ConfigMap
    /// data:
    ///   DB_PASSWORD: s3cr3t-passw0rd
    /// ```
    pub struct CredentialInConfigmap {
        id: "PAL-SEC-002",
        slug: "credential-in-configmap",
        title: "ConfigMap holds a credential",
        severity: High,
        target: Target::Object(&["ConfigMap"]),
        remediation: "Move the value into a Secret (or an external secret store) and rotate it.",
        references: &["https://kubernetes.io/docs/concepts/configuration/secret/", "https://kubernetes.io/docs/concepts/security/secrets-good-practices/"],
        frameworks: [("nsa-cisa-1.2", "Secrets"), ("mitre-attack-containers", "T1552")],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            let Some(data) = object.value.get("data").and_then(Value::as_object) else { return };
            for (key, value) in data {
                let Some(text) = value.as_str() else { continue };
                if let Some(credential) = classify(key, text) {
                    cx.fail(FieldPath::root().join("data").join(key.clone()), format!("key {key:?} holds a credential: {} {}", credential.kind, credential.redacted(text)));
                }
            }
        }
    }
}
