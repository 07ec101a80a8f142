use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{report_power, IMPERSONATE};

declare_check! {
    /// ## What it checks
    /// Bindings that give a subject `impersonate` on users, groups, service accounts,
    /// UIDs or user extras.
    /// ClusterRoleBindings that grant every permission are reported once, by
    /// PAL-RBAC-001.
    ///
    /// ## Why it matters
    /// Impersonation acts as another identity with all its permissions. Impersonating the
    /// group `system:masters` is cluster-admin outright, and impersonating a service
    /// account is as good as holding its token.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["users", "groups"]
    ///   verbs: ["impersonate"]
    /// ```
    pub struct ImpersonateAccess {
        id: "PAL-RBAC-008",
        slug: "impersonate-access",
        title: "Subject can impersonate users, groups or service accounts",
        severity: Critical,
        target: Target::Inventory,
        remediation: "Remove impersonation rights, or limit them with `resourceNames` to the identities a proxy legitimately acts for.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_power(inventory, cx, &IMPERSONATE);
        }
    }
}
