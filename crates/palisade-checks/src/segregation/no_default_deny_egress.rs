use palisade_core::{declare_check, Inventory, InventoryContext, Target, WORKLOADS};

use crate::helpers::network::{report_missing_default_deny, Direction};

declare_check! {
    /// ## What it checks
    /// Namespaces that have NetworkPolicies but none that isolates all their pods for
    /// egress. A default deny selects every pod (`podSelector: {}`), lists Egress among
    /// its `policyTypes` (when they are omitted, Egress counts only if the policy has
    /// egress rules), and has no rule that allows every destination (one limited to DNS,
    /// port 53, is allowed: that is how such policies keep name resolution). Namespaces without
    /// any NetworkPolicy are reported by PAL-NET-001 instead.
    ///
    /// ## Why it matters
    /// Unrestricted egress is how a compromised pod downloads tools, reaches the cloud
    /// metadata service and sends data out; a default deny makes every destination a
    /// decision.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: default-deny-egress
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: ["Egress"]
    /// ```
    pub struct NoDefaultDenyEgress {
        id: "PAL-NET-003",
        slug: "no-default-deny-egress",
        title: "Namespace has no default-deny egress NetworkPolicy",
        severity: Low,
        target: Target::Inventory,
        remediation: "Add a NetworkPolicy with an empty podSelector and policyTypes [Egress] and no rules, then allow the needed flows per application.",
        references: &["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
        pss: None,
        status: Stable,
        reads: &["Namespace", "NetworkPolicy", WORKLOADS],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_missing_default_deny(inventory, cx, Direction::Egress);
        }
    }
}
