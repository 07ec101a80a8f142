use palisade_core::rbac::SubjectKind;
use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::report_subjects;

declare_check! {
    /// ## What it checks
    /// Bindings (other than the API server's own) whose subjects include the group
    /// `system:authenticated` (every user and service account with any valid credential)
    /// or `system:serviceaccounts` (every service account of the cluster).
    ///
    /// ## Why it matters
    /// Everybody is nobody in particular: any compromised pod or leaked kubeconfig, of
    /// any team, inherits these permissions. In managed clusters `system:authenticated`
    /// can include every account of the cloud provider.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef: {kind: ClusterRole, name: edit}
    /// subjects:
    /// - {kind: Group, name: "system:authenticated"}
    /// ```
    pub struct AuthenticatedGroupBinding {
        id: "PAL-RBAC-014",
        slug: "authenticated-group-binding",
        title: "Role bound to every authenticated user or every service account",
        severity: Medium,
        target: Target::Inventory,
        remediation: "Bind the role to the specific groups or service accounts that need it.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_subjects(inventory, cx, |subject| match (subject.kind, subject.name.as_str()) {
                (SubjectKind::Group, "system:authenticated") => Some(", which holds every authenticated user and service account"),
                (SubjectKind::Group, "system:serviceaccounts") => Some(", which holds every service account of the cluster"),
                _ => None,
            });
        }
    }
}
