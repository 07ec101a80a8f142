use palisade_core::{declare_check, CheckContext, Resource, Target};

use palisade_core::encryption::provider_for_secrets;

declare_check! {
    /// ## What it checks
    /// The provider an EncryptionConfiguration uses first for Secrets: `aescbc` (AES-CBC,
    /// which the Kubernetes documentation no longer recommends) and KMS v1 (`kms` without
    /// `apiVersion: v2`, deprecated since 1.28 and off by default since 1.29) fail; KMS
    /// v2, `aesgcm` and `secretbox` pass.
    ///
    /// ## Why it matters
    /// With a local provider the key sits in the configuration file on the control-plane
    /// node, next to the data it protects; AES-CBC is open to padding-oracle attacks. KMS
    /// v2 keeps the key in an external KMS and rotates data keys itself.
    ///
    /// ## Example
    /// ```yaml
    /// providers:
    /// - kms:
    ///     apiVersion: v2
    ///     name: cloud-kms
    ///     endpoint: unix:///run/kms.sock
    /// ```
    pub struct WeakEncryptionProvider {
        id: "PAL-SEC-007",
        slug: "weak-encryption-provider",
        title: "Secrets are encrypted with a weak or deprecated provider",
        severity: Medium,
        target: Target::Object(&["EncryptionConfiguration"]),
        remediation: "Switch to a KMS v2 provider (or at least aesgcm/secretbox with regular key rotation) and re-write all Secrets.",
        references: &["https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/", "https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            if let Some((path, message)) = provider_for_secrets(object).weak() {
                cx.fail(path.clone(), message);
            }
        }
    }
}
