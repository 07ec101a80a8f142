use palisade_core::{declare_check, CheckContext, Resource, Target};

use palisade_core::encryption::provider_for_secrets;

declare_check! {
    /// ## What it checks
    /// The API server's EncryptionConfiguration (`apiserver.config.k8s.io/v1`, given to
    /// the scan as a file): Secrets are stored in clear when no `resources[]` entry
    /// covers them (`secrets`, `*.` or `*.*`), or when the first provider of the first
    /// entry that covers them is `identity`.
    ///
    /// ## Why it matters
    /// Whoever reads etcd, its backups or the disk it lives on reads every Secret of the
    /// cluster: tokens, keys, passwords.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiserver.config.k8s.io/v1
    /// kind: EncryptionConfiguration
    /// resources:
    /// - resources: ["secrets"]
    ///   providers:
    ///   - kms: {apiVersion: v2, name: vault, endpoint: unix:///run/kms.sock}
    ///   - identity: {}
    /// ```
    pub struct SecretsNotEncryptedAtRest {
        id: "PAL-SEC-006",
        slug: "secrets-not-encrypted-at-rest",
        title: "Secrets are stored unencrypted in etcd",
        severity: High,
        target: Target::Object(&["EncryptionConfiguration"]),
        remediation: "Cover `secrets` with an encrypting provider listed first (KMS v2 preferably), then re-write all Secrets so they are stored encrypted.",
        references: &["https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            if let Some((path, message)) = provider_for_secrets(object).clear_text() {
                cx.fail(path.clone(), message);
            }
        }
    }
}
