use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{report_power, WORKLOAD_CREATE};

declare_check! {
    /// ## What it checks
    /// Bindings that give a subject `create` on pods or on anything that creates pods:
    /// Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs and
    /// ReplicationControllers.
    /// ClusterRoleBindings that grant every permission are reported once, by
    /// PAL-RBAC-001.
    ///
    /// ## Why it matters
    /// Whoever can create a pod in a namespace can run it as any service account of that
    /// namespace and read its token, and, unless Pod Security admission stops it, mount
    /// the node's filesystem or run privileged.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// rules:
    /// - apiGroups: ["apps"]
    ///   resources: ["deployments"]
    ///   verbs: ["create"]
    /// ```
    pub struct WorkloadCreateAccess {
        id: "PAL-RBAC-004",
        slug: "workload-create-access",
        title: "Subject can create pods or pod controllers",
        severity: Medium,
        target: Target::Inventory,
        remediation: "Let people deploy through a pipeline with its own narrowly scoped identity, and enforce a Pod Security level on every namespace where pods can be created.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_power(inventory, cx, &WORKLOAD_CREATE);
        }
    }
}
