use palisade_core::{declare_check, Inventory, InventoryContext, Target, WORKLOADS};

use crate::helpers::namespaces::report_namespaces_lacking;

declare_check! {
    /// ## What it checks
    /// Namespaces (declared by a Namespace object or holding workloads in the scan) that
    /// no NetworkPolicy applies to. Objects without `metadata.namespace` are judged
    /// together as the namespace they will be applied to.
    ///
    /// ## Why it matters
    /// Without any NetworkPolicy every pod accepts connections from every other pod of
    /// the cluster and can reach anything: one compromised pod can probe databases, admin
    /// endpoints and cloud metadata services of every team.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   name: payments
    /// # ...and no NetworkPolicy with namespace: payments
    /// ```
    pub struct NamespaceWithoutNetworkPolicy {
        id: "PAL-NET-001",
        slug: "namespace-without-network-policy",
        title: "Namespace has no NetworkPolicy",
        severity: Medium,
        target: Target::Inventory,
        remediation: "Add a default-deny NetworkPolicy for ingress and egress to the namespace, then allow the flows each application needs.",
        references: &["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
        pss: None,
        status: Stable,
        reads: &["Namespace", "NetworkPolicy", WORKLOADS],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_namespaces_lacking(
                inventory,
                cx,
                |ns| ns.network_policies.is_empty(),
                "NetworkPolicy: its pods accept and open connections to and from anywhere",
            );
        }
    }
}
