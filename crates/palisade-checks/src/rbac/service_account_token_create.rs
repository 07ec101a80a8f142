use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{report_power, TOKEN_CREATE};

declare_check! {
    /// ## What it checks
    /// Bindings that give a subject `create` on `serviceaccounts/token`.
    /// ClusterRoleBindings that grant every permission are reported once, by
    /// PAL-RBAC-001.
    ///
    /// ## Why it matters
    /// The TokenRequest API issues a fresh, valid token for any service account the rule
    /// covers: the subject becomes that service account, whatever it is allowed to do.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["serviceaccounts/token"]
    ///   verbs: ["create"]
    /// ```
    pub struct ServiceAccountTokenCreate {
        id: "PAL-RBAC-009",
        slug: "service-account-token-create",
        title: "Subject can mint service account tokens",
        severity: High,
        target: Target::Inventory,
        remediation: "Remove the permission, or limit it with `resourceNames` to the service accounts the subject is meant to act as.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_power(inventory, cx, &TOKEN_CREATE);
        }
    }
}
