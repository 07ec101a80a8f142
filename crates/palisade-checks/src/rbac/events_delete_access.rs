use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{report_power, EVENTS_DELETE};

declare_check! {
    /// ## What it checks
    /// Bindings that give a subject `delete` or `deletecollection` on events (core or
    /// `events.k8s.io`).
    /// ClusterRoleBindings that grant every permission are reported once, by
    /// PAL-RBAC-001.
    ///
    /// ## Why it matters
    /// Events record evictions, failed mounts, image pulls and scheduling decisions;
    /// deleting them removes the traces of an intrusion that responders look at first.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["events"]
    ///   verbs: ["delete"]
    /// ```
    pub struct EventsDeleteAccess {
        id: "PAL-RBAC-012",
        slug: "events-delete-access",
        title: "Subject can delete events",
        severity: Low,
        target: Target::Inventory,
        remediation: "Remove the permission; events expire on their own.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_power(inventory, cx, &EVENTS_DELETE);
        }
    }
}
