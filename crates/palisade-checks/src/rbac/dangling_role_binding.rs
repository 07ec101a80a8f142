use std::collections::HashSet;

use palisade_core::rbac::{is_builtin_namespaced_role, is_builtin_role_name, Binding, SubjectKind};
use palisade_core::{declare_check, FieldPath, Inventory, InventoryContext, Target};

use crate::helpers::rbac::judged_bindings;

declare_check! {
    /// ## What it checks
    /// Bindings whose `roleRef` names a Role (in the binding's namespace) or ClusterRole
    /// that is neither in the scan nor built into Kubernetes (`system:` ClusterRoles,
    /// `cluster-admin`, `admin`, `edit`, `view`, and the bootstrap Roles of `kube-system`
    /// and `kube-public`), and ServiceAccount subjects
    /// missing from a namespace whose ServiceAccounts the scan includes (`default` always
    /// exists). On a partial scan a role may live in files not given to it; the message
    /// says it was not found in the scanned inventory.
    ///
    /// ## Why it matters
    /// A dangling binding is a loaded gun: whoever later creates a role or service
    /// account of that name, perhaps by accident in a Helm chart, silently receives the
    /// permissions. It usually marks an incomplete clean-up.
    ///
    /// ## Example
    /// ```yaml
    /// kind: RoleBinding
    /// roleRef: {kind: Role, name: old-deployer}   # no such Role
    /// subjects:
    /// - {kind: ServiceAccount, name: ci, namespace: shop}
    /// ```
    pub struct DanglingRoleBinding {
        id: "PAL-RBAC-016",
        slug: "dangling-role-binding",
        title: "Binding refers to a role or service account that does not exist",
        severity: Low,
        target: Target::Inventory,
        remediation: "Delete bindings whose role or subject is gone, or restore what they refer to.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            let graph = inventory.rbac();
            let mut accounts: HashSet<(&str, &str)> = HashSet::new();
            let mut scanned_namespaces: HashSet<&str> = HashSet::new();
            for sa in inventory.of_kind("ServiceAccount") {
                if let Some(ns) = sa.id.namespace.as_deref() {
                    accounts.insert((ns, sa.id.name.as_str()));
                    scanned_namespaces.insert(ns);
                }
            }
            for binding in judged_bindings(graph) {
                cx.evaluated();
                let object = inventory.object(binding.object);
                let role_ref = &binding.role_ref;
                let missing_role = binding.role.is_none()
                    && !role_ref.name.is_empty()
                    && match role_ref.kind.as_str() {
                        "ClusterRole" => !is_builtin_role_name(&role_ref.name),
                        "Role" => !binding.is_cluster_binding() && !is_builtin_namespaced_role(binding.namespace.as_deref().unwrap_or(""), &role_ref.name),
                        _ => false,
                    };
                if missing_role {
                    cx.fail(object, FieldPath::root().join("roleRef").join("name"), format!("roleRef names {} {:?}, which is not in the scanned inventory", role_ref.kind, role_ref.name));
                }
                for (index, subject) in &binding.subjects {
                    let Some(ns) = subject.namespace.as_deref() else { continue };
                    if subject.kind == SubjectKind::ServiceAccount
                        && subject.name != "default"
                        && scanned_namespaces.contains(ns)
                        && !accounts.contains(&(ns, subject.name.as_str()))
                    {
                        cx.fail(object, Binding::subject_path(*index), format!("subject {subject} is not among the scanned ServiceAccounts of namespace {ns}"));
                    }
                }
            }
        }
    }
}
