use palisade_core::date::Date;
use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Secrets whose `metadata.creationTimestamp` is more than the rotation age before
    /// the scan date: 90 days (as PCI DSS and most cloud benchmarks ask), or
    /// `--secret-max-age DAYS`. This applies to live clusters and snapshots (manifests have no creation
    /// time). A Secret updated in place keeps its creation time, so this is the age of
    /// the object, an upper bound on the age of its values.
    ///
    /// ## Why it matters
    /// Credentials that never change stay valid for whoever copied them, however long
    /// ago; rotation limits the damage of every leak nobody noticed.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   creationTimestamp: "2024-01-15T09:30:00Z"
    /// ```
    pub struct SecretRotationOverdue {
        id: "PAL-SEC-005",
        slug: "secret-rotation-overdue",
        title: "Secret older than the rotation age",
        severity: Low,
        target: Target::Object(&["Secret"]),
        remediation: "Rotate the credential and re-create the Secret, or automate rotation with an external secret store.",
        references: &["https://kubernetes.io/docs/concepts/security/secrets-good-practices/"],
        pss: None,
        status: Preview,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            let Some(created) = object.value.pointer("/metadata/creationTimestamp").and_then(Value::as_str) else { return };
            let Some(date) = created.get(..10).and_then(|d| d.parse::<Date>().ok()) else { return };
            let age = cx.settings().today.days_since(date);
            let max = i64::from(cx.settings().secret_max_age_days);
            if age > max {
                cx.fail(FieldPath::root().join("metadata").join("creationTimestamp"), format!("created {age} days ago ({created}), more than {max} days: rotate it"));
            }
        }
    }
}
