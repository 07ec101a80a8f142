use palisade_core::{declare_check, Inventory, InventoryContext, Target, WORKLOADS};

use crate::helpers::network::{report_missing_default_deny, Direction};

declare_check! {
    /// ## What it checks
    /// Namespaces that have NetworkPolicies but none that isolates all their pods for
    /// ingress. A default deny selects every pod (`podSelector: {}`), lists Ingress among
    /// its `policyTypes` (or omits them: Ingress is then always included), and has no
    /// rule that admits every source. Namespaces without any NetworkPolicy are reported
    /// by PAL-NET-001 instead.
    ///
    /// ## Why it matters
    /// NetworkPolicies are allow-lists only for the pods they select. Without a default
    /// deny, a new workload, or one whose labels drift from the policies, is open to the
    /// whole cluster, and nobody notices.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: default-deny-ingress
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: ["Ingress"]
    /// ```
    pub struct NoDefaultDenyIngress {
        id: "PAL-NET-002",
        slug: "no-default-deny-ingress",
        title: "Namespace has no default-deny ingress NetworkPolicy",
        severity: Medium,
        target: Target::Inventory,
        remediation: "Add a NetworkPolicy with an empty podSelector and policyTypes [Ingress] and no rules, then allow the needed flows per application.",
        references: &["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
        pss: None,
        status: Stable,
        reads: &["Namespace", "NetworkPolicy", WORKLOADS],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_missing_default_deny(inventory, cx, Direction::Ingress);
        }
    }
}
