use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::network::{report_allow_all, Direction};

declare_check! {
    /// ## What it checks
    /// Ingress rules of NetworkPolicies (that isolate ingress) which let every source
    /// through: a rule without `from` (or with an empty list), a peer `namespaceSelector:
    /// {}` without a narrowing podSelector (every pod of every namespace), or an ipBlock
    /// of `0.0.0.0/0` or `::/0` (with or without `except`). A rule limited to ports says
    /// which: every source may still reach them.
    ///
    /// ## Why it matters
    /// An allow-all rule cancels the isolation the policy was written for; the policy
    /// looks like protection in review while permitting everything.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   podSelector: {}
    ///   ingress:
    ///   - from:
    ///     - namespaceSelector: {}
    /// ```
    pub struct NetworkPolicyAllowsAllIngress {
        id: "PAL-NET-005",
        slug: "network-policy-allows-all-ingress",
        title: "NetworkPolicy allows ingress from anywhere",
        severity: Medium,
        target: Target::Inventory,
        remediation: "List the namespaces, pods or address ranges that need to connect; keep an allow-all only with a reviewed exception.",
        references: &["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
        pss: None,
        status: Stable,
        reads: &["NetworkPolicy"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_allow_all(inventory, cx, Direction::Ingress);
        }
    }
}
