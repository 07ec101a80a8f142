use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Secret objects in the scanned files with a non-empty value in `data` or
    /// `stringData`. The finding names the keys, never the values. (Scanning a live
    /// cluster, every Secret has data; this check is about files.)
    ///
    /// ## Why it matters
    /// A Secret in a file lives in Git history, CI caches, code review tools and laptops
    /// forever; base64 in `data` is an encoding, not encryption. Whoever can read the
    /// repository holds the credential.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Secret
    /// data:
    ///   password: czNjcjN0   # base64 of the password, readable by all
    /// ```
    pub struct SecretDataInManifest {
        id: "PAL-SEC-001",
        slug: "secret-data-in-manifest",
        title: "Secret values committed in a manifest",
        severity: High,
        target: Target::Object(&["Secret"]),
        remediation: "Keep Secret values out of files: use Sealed Secrets, SOPS, or an external secret store (External Secrets Operator, the Secrets Store CSI driver), and rotate anything that was committed.",
        references: &["https://kubernetes.io/docs/concepts/configuration/secret/", "https://kubernetes.io/docs/concepts/security/secrets-good-practices/"],
        pss: None,
        status: Stable,
        manifests_only: true,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            for field in ["data", "stringData"] {
                let Some(map) = object.value.get(field).and_then(Value::as_object) else { continue };
                let keys: Vec<&str> = map
                    .iter()
                    .filter(|(_, v)| v.as_str().is_some_and(|s| !s.is_empty()))
                    .map(|(k, _)| k.as_str())
                    .collect();
                if let Some(first) = keys.first() {
                    cx.fail(FieldPath::root().join(field).join(first.to_string()), format!("values committed in `{field}`: {} key(s) ({})", keys.len(), keys.join(", ")));
                }
            }
        }
    }
}
