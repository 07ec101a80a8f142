use palisade_core::{declare_check, Inventory, InventoryContext, Target, WORKLOADS};

use crate::helpers::namespaces::report_namespaces_lacking;

declare_check! {
    /// ## What it checks
    /// Namespaces (declared by a Namespace object or holding workloads in the scan) with
    /// no ResourceQuota in the scan.
    ///
    /// ## Why it matters
    /// A namespace without a quota lets one workload, or one compromised deployment
    /// pipeline, consume the whole cluster's CPU, memory, storage and object counts,
    /// starving every other team.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ResourceQuota
    /// metadata:
    ///   name: default
    ///   namespace: shop
    /// ```
    pub struct NamespaceWithoutResourceQuota {
        id: "PAL-NET-010",
        slug: "namespace-without-resource-quota",
        title: "Namespace has no ResourceQuota",
        severity: Low,
        target: Target::Inventory,
        remediation: "Add a ResourceQuota sized for the namespace's workloads.",
        references: &["https://kubernetes.io/docs/concepts/policy/resource-quotas/"],
        pss: None,
        status: Stable,
        reads: &["Namespace", "ResourceQuota", WORKLOADS],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_namespaces_lacking(inventory, cx, |ns| ns.resource_quotas == 0, "ResourceQuota");
        }
    }
}
