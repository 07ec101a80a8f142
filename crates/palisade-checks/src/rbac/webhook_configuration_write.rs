use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{report_power, WEBHOOK_WRITE};

declare_check! {
    /// ## What it checks
    /// Bindings that give a subject `create`, `update`, `patch`, `delete` or
    /// `deletecollection` on ValidatingWebhookConfigurations or
    /// MutatingWebhookConfigurations.
    /// ClusterRoleBindings that grant every permission are reported once, by
    /// PAL-RBAC-001.
    ///
    /// ## Why it matters
    /// Admission webhooks see, and mutating ones rewrite, every object sent to the API
    /// server. Whoever controls them can switch off policy enforcement or inject
    /// containers and credentials into every new pod.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    /// - apiGroups: ["admissionregistration.k8s.io"]
    ///   resources: ["mutatingwebhookconfigurations"]
    ///   verbs: ["create", "patch"]
    /// ```
    pub struct WebhookConfigurationWrite {
        id: "PAL-RBAC-011",
        slug: "webhook-configuration-write",
        title: "Subject can change admission webhook configurations",
        severity: High,
        target: Target::Inventory,
        remediation: "Keep webhook configuration changes to the installer of each webhook, limited with `resourceNames` to its own configuration.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["ClusterRole", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_power(inventory, cx, &WEBHOOK_WRITE);
        }
    }
}
