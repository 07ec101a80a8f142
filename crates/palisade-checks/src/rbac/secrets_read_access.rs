use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{report_power, SECRETS_READ};

declare_check! {
    /// ## What it checks
    /// Bindings that give a subject `get`, `list` or `watch` on `secrets`, cluster-wide
    /// or in a namespace (a rule limited by `resourceNames` counts, for the names it
    /// lists). Control-plane subjects and default bindings are not judged. The finding
    /// names the chain: binding, role and rule.
    /// ClusterRoleBindings that grant every permission are reported once, by
    /// PAL-RBAC-001.
    ///
    /// ## Why it matters
    /// Secrets hold service account tokens, registry credentials, TLS keys and database
    /// passwords. `list` and `watch` return every value in the namespace at once; reading
    /// a more powerful service account's token is a classic escalation step.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["secrets"]
    ///   verbs: ["get", "list"]
    /// ```
    pub struct SecretsReadAccess {
        id: "PAL-RBAC-003",
        slug: "secrets-read-access",
        title: "Subject can read Secrets",
        severity: High,
        target: Target::Inventory,
        remediation: "Grant Secret access only to the workloads that need it, by name (`resourceNames`), and prefer mounting Secrets over reading them through the API.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_power(inventory, cx, &SECRETS_READ);
        }
    }
}
