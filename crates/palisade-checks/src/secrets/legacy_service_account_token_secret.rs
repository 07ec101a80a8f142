use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Secrets of type `kubernetes.io/service-account-token`: the token controller fills
    /// them with a service account token that never expires.
    ///
    /// ## Why it matters
    /// Since Kubernetes 1.24 pods get short-lived, audience-bound tokens through the
    /// TokenRequest API. A legacy token Secret is valid until the Secret is deleted, is
    /// readable by everyone who can read Secrets in the namespace, and is the classic
    /// loot of a cluster compromise.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Secret
    /// type: kubernetes.io/service-account-token
    /// metadata:
    ///   annotations:
    ///     kubernetes.io/service-account.name: ci
    /// ```
    pub struct LegacyServiceAccountTokenSecret {
        id: "PAL-SEC-004",
        slug: "legacy-service-account-token-secret",
        title: "Long-lived service account token Secret",
        severity: Medium,
        target: Target::Object(&["Secret"]),
        remediation: "Delete the Secret; let pods use projected tokens, and give external systems short-lived tokens (`kubectl create token`) or workload identity federation.",
        references: &["https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token", "https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#legacy-serviceaccount-token-cleaner"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            if object.value.get("type").and_then(Value::as_str) == Some("kubernetes.io/service-account-token") {
                let account = object.annotation("kubernetes.io/service-account.name").unwrap_or("<unnamed>");
                cx.fail(FieldPath::root().join("type"), format!("holds a non-expiring token for service account {account:?}"));
            }
        }
    }
}
