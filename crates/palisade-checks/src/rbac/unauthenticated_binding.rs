use palisade_core::rbac::SubjectKind;
use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::report_subjects;

declare_check! {
    /// ## What it checks
    /// Bindings (other than the API server's own) whose subjects include the user
    /// `system:anonymous` or the group `system:unauthenticated`, whatever role they bind.
    ///
    /// ## Why it matters
    /// Anyone who can reach the API server gets these permissions without credentials.
    /// Clusters exposed to the internet are scanned for exactly this within hours.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef: {kind: ClusterRole, name: view}
    /// subjects:
    /// - {kind: Group, name: "system:unauthenticated"}
    /// ```
    pub struct UnauthenticatedBinding {
        id: "PAL-RBAC-013",
        slug: "unauthenticated-binding",
        title: "Role bound to anonymous or unauthenticated users",
        severity: Critical,
        target: Target::Inventory,
        remediation: "Delete the binding; if something must be public, expose it through a dedicated service rather than the API server.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_subjects(inventory, cx, |subject| {
                let anonymous = match subject.kind {
                    SubjectKind::User => subject.name == "system:anonymous",
                    SubjectKind::Group => subject.name == "system:unauthenticated",
                    SubjectKind::ServiceAccount => false,
                };
                anonymous.then_some(": anyone who reaches the API server holds it")
            });
        }
    }
}
