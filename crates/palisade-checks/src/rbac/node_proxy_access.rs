use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{report_power, NODE_PROXY};

declare_check! {
    /// ## What it checks
    /// Bindings that give a subject `get` or `create` on `nodes/proxy`.
    /// ClusterRoleBindings that grant every permission are reported once, by
    /// PAL-RBAC-001.
    ///
    /// ## Why it matters
    /// `nodes/proxy` forwards to the kubelet API of any node, which can run commands in
    /// every pod on it; the API server's audit log records only the proxy request, not
    /// what was run. `get` alone is enough to open the exec stream over WebSocket.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["nodes/proxy"]
    ///   verbs: ["get"]
    /// ```
    pub struct NodeProxyAccess {
        id: "PAL-RBAC-006",
        slug: "node-proxy-access",
        title: "Subject can reach the kubelet API through nodes/proxy",
        severity: Critical,
        target: Target::Inventory,
        remediation: "Grant `nodes/metrics` or `nodes/stats` to monitoring instead of `nodes/proxy`.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["ClusterRole", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_power(inventory, cx, &NODE_PROXY);
        }
    }
}
