use palisade_core::{declare_check, Inventory, InventoryContext, Target, WORKLOADS};

declare_check! {
    /// ## What it checks
    /// Workloads in a namespace that has NetworkPolicies, whose pod labels (the
    /// template's, for controllers) match the podSelector of none of them (`matchLabels`
    /// and `matchExpressions` with In, NotIn, Exists and DoesNotExist, exactly as the API
    /// server evaluates them). Namespaces without any policy are PAL-NET-001's.
    ///
    /// ## Why it matters
    /// A pod that no policy selects is not isolated at all, even in a namespace whose
    /// other pods are: a label typo or a new component silently opts out of the network
    /// design.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: web}
    /// ---
    /// kind: Deployment   # pods labelled app: worker, selected by nothing
    /// ```
    pub struct PodNotSelectedByNetworkPolicy {
        id: "PAL-NET-004",
        slug: "pod-not-selected-by-network-policy",
        title: "Workload's pods are selected by no NetworkPolicy",
        severity: Medium,
        target: Target::Inventory,
        remediation: "Add a default-deny policy for the namespace, or fix the labels so that the intended policy selects the pods.",
        references: &["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
        pss: None,
        status: Stable,
        reads: &["NetworkPolicy", WORKLOADS],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            let policies = inventory.network_policies();
            for ns in inventory.namespaces() {
                if ns.network_policies.is_empty() {
                    continue;
                }
                for &w in &ns.workloads {
                    cx.evaluated();
                    let workload = inventory.workload(w);
                    if ns.network_policies.iter().any(|&p| policies[p].selects(&workload.pod_labels)) {
                        continue;
                    }
                    let labels: Vec<String> = workload.pod_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    let labels = if labels.is_empty() { "no labels".to_string() } else { format!("labels {}", labels.join(",")) };
                    cx.fail_workload(workload, workload.pod_labels_path.clone(), workload.pod_labels_pos, format!("the pods of {} ({labels}) are selected by no NetworkPolicy of {}", workload.id, ns.display()));
                }
            }
        }
    }
}
