use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{report_power, POD_EXEC};

declare_check! {
    /// ## What it checks
    /// Bindings that give a subject `create` (or `get`, which older clients use for the
    /// same streams) on `pods/exec`, `pods/attach` or `pods/portforward`, including
    /// through `*` and `*/exec` resources.
    /// ClusterRoleBindings that grant every permission are reported once, by
    /// PAL-RBAC-001.
    ///
    /// ## Why it matters
    /// Exec is a shell in someone else's container: its files, its environment, its
    /// service account token, its network position. Port-forwarding reaches services that
    /// were never meant to be exposed.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["pods/exec"]
    ///   verbs: ["create"]
    /// ```
    pub struct PodExecAccess {
        id: "PAL-RBAC-005",
        slug: "pod-exec-access",
        title: "Subject can exec into, attach to or port-forward pods",
        severity: High,
        target: Target::Inventory,
        remediation: "Keep exec for break-glass roles bound just in time; use logs and metrics for routine debugging.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_power(inventory, cx, &POD_EXEC);
        }
    }
}
