use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::network::{report_allow_all, Direction};

declare_check! {
    /// ## What it checks
    /// Egress rules of NetworkPolicies (that isolate egress) which let every destination
    /// through: a rule without `to` (or with an empty list), a peer `namespaceSelector:
    /// {}` without a narrowing podSelector (every pod of every namespace), or an ipBlock
    /// of `0.0.0.0/0` or `::/0` (with or without `except`). A rule limited to ports says
    /// which; rules limited to DNS (port 53) are not judged, since that is how pods reach
    /// the cluster's name server.
    ///
    /// ## Why it matters
    /// An allow-all rule cancels the isolation the policy was written for; the policy
    /// looks like protection in review while permitting everything. Egress to any address
    /// also reaches the cloud metadata service unless `except` removes it.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   podSelector: {}
    ///   egress:
    ///   - to:
    ///     - namespaceSelector: {}
    /// ```
    pub struct NetworkPolicyAllowsAllEgress {
        id: "PAL-NET-006",
        slug: "network-policy-allows-all-egress",
        title: "NetworkPolicy allows egress to anywhere",
        severity: Low,
        target: Target::Inventory,
        remediation: "List the namespaces, pods or address ranges that need to connect; keep an allow-all only with a reviewed exception.",
        references: &["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
        pss: None,
        status: Stable,
        reads: &["NetworkPolicy"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_allow_all(inventory, cx, Direction::Egress);
        }
    }
}
