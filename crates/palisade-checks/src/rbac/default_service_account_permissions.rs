use palisade_core::rbac::SubjectKind;
use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::report_subjects;

declare_check! {
    /// ## What it checks
    /// Bindings that name the `default` service account of a namespace (other than `kube-system`)
    /// as a subject.
    ///
    /// ## Why it matters
    /// Every pod that does not choose a service account runs as `default`, so whatever it
    /// is granted, every such pod of the namespace gets, today and in future: permissions
    /// meant for one application leak to all of them.
    ///
    /// ## Example
    /// ```yaml
    /// kind: RoleBinding
    /// roleRef: {kind: Role, name: deployer}
    /// subjects:
    /// - {kind: ServiceAccount, name: default, namespace: shop}
    /// ```
    pub struct DefaultServiceAccountPermissions {
        id: "PAL-RBAC-015",
        slug: "default-service-account-permissions",
        title: "Permissions granted to a default service account",
        severity: Medium,
        target: Target::Inventory,
        remediation: "Create a dedicated service account for the workload that needs the permissions and bind the role to it; leave `default` without bindings.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/service-accounts/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_subjects(inventory, cx, |subject| {
                (subject.kind == SubjectKind::ServiceAccount && subject.name == "default" && !subject.is_control_plane())
                    .then_some(", which every pod of the namespace without its own service account runs as")
            });
        }
    }
}
