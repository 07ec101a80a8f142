use palisade_core::{declare_check, Inventory, InventoryContext, Target};

declare_check! {
    /// ## What it checks
    /// Ingress rules of NetworkPolicies (that isolate ingress) which let every source
    /// through: a rule without `from` (or with an empty list), a peer `namespaceSelector:
    /// {}` without a narrowing podSelector (every pod of every namespace), or an ipBlock
    /// of `0.0.0.0/0` or `::/0`.
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
        frameworks: [("nsa-cisa-1.2", "Network separation")],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            for policy in inventory.network_policies() {
                if !policy.isolates_ingress {
                    continue;
                }
                cx.evaluated();
                let object = inventory.object(policy.object);
                for rule in &policy.ingress {
                    match &rule.peers {
                        None => cx.fail(object, rule.path.clone(), "allows ingress from every source (the rule has no `from`)"),
                        Some(peers) => {
                            for (path, peer) in peers {
                                if peer.is_all_pods_everywhere() {
                                    cx.fail(object, path.clone(), "allows ingress from every pod of every namespace");
                                } else if peer.is_any_address() {
                                    cx.fail(object, path.join("ipBlock").join("cidr"), "allows ingress from any address");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
