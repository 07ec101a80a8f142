use palisade_core::{declare_check, Inventory, InventoryContext, Target, WORKLOADS};

use crate::helpers::namespaces::report_namespaces_lacking;

declare_check! {
    /// ## What it checks
    /// Namespaces (declared by a Namespace object or holding workloads in the scan) with
    /// no LimitRange in the scan.
    ///
    /// ## Why it matters
    /// Without a LimitRange, containers that set no requests or limits get none: they are
    /// scheduled without reservation and can use a whole node; a LimitRange supplies
    /// defaults and maximums.
    ///
    /// ## Example
    /// ```yaml
    /// kind: LimitRange
    /// metadata:
    ///   name: default
    ///   namespace: shop
    /// ```
    pub struct NamespaceWithoutLimitRange {
        id: "PAL-NET-011",
        slug: "namespace-without-limit-range",
        title: "Namespace has no LimitRange",
        severity: Low,
        target: Target::Inventory,
        remediation: "Add a LimitRange with default requests and limits for containers.",
        references: &["https://kubernetes.io/docs/concepts/policy/limit-range/"],
        pss: None,
        status: Stable,
        reads: &["Namespace", "LimitRange", WORKLOADS],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            report_namespaces_lacking(inventory, cx, |ns| ns.limit_ranges == 0, "LimitRange");
        }
    }
}
