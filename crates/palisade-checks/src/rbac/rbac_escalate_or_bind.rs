use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{report_power, ESCALATE_OR_BIND};

declare_check! {
    /// ## What it checks
    /// Bindings that give a subject `escalate` or `bind` on Roles or ClusterRoles.
    /// ClusterRoleBindings that grant every permission are reported once, by
    /// PAL-RBAC-001.
    ///
    /// ## Why it matters
    /// RBAC normally stops a subject from granting permissions it does not hold.
    /// `escalate` lifts that limit for editing roles and `bind` for creating bindings:
    /// with either, the subject can give itself (or anyone) any permission, up to
    /// cluster-admin.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    /// - apiGroups: ["rbac.authorization.k8s.io"]
    ///   resources: ["clusterroles"]
    ///   verbs: ["bind", "escalate"]
    /// ```
    pub struct RbacEscalateOrBind {
        id: "PAL-RBAC-007",
        slug: "rbac-escalate-or-bind",
        title: "Subject can escalate or bind roles",
        severity: Critical,
        target: Target::Inventory,
        remediation: "Remove `escalate` and `bind`; if a controller must create bindings, limit `bind` to the roles it hands out with `resourceNames`.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_power(inventory, cx, &ESCALATE_OR_BIND);
        }
    }
}
