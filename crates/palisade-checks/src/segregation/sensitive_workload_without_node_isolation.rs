use palisade_core::{declare_check, Inventory, InventoryContext, Target, WORKLOADS};
use std::collections::HashMap;

use serde_json::{Map, Value};

declare_check! {
    /// ## What it checks
    /// A heuristic: workloads that are privileged, share a host namespace (`hostNetwork`,
    /// `hostPID`, `hostIPC`), or are exposed by a LoadBalancer Service of their namespace
    /// (whose selector matches their pod labels), and that are not steered to dedicated
    /// nodes: no `nodeSelector`, no required node affinity, no toleration of a scheduling
    /// taint. DaemonSets are not judged (they run on every node by design). The scan
    /// cannot see node pools, so this is a hint, not a verdict.
    ///
    /// ## Why it matters
    /// A container escape or a compromised internet-facing pod lands on a node; if that
    /// node also runs the payment service or the cluster's ingress controller, the blast
    /// radius is everything co-scheduled there. Dedicated pools keep the risky and the
    /// precious apart.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         pool: edge
    ///       tolerations:
    ///       - {key: dedicated, value: edge, effect: NoSchedule}
    /// ```
    pub struct SensitiveWorkloadWithoutNodeIsolation {
        id: "PAL-NET-017",
        slug: "sensitive-workload-without-node-isolation",
        title: "Sensitive workload shares nodes with everything else",
        severity: Low,
        target: Target::Inventory,
        remediation: "Run such workloads on a dedicated, tainted node pool (nodeSelector or required affinity plus a toleration).",
        references: &["https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/", "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/"],
        pss: None,
        status: Preview,
        reads: &["Service", WORKLOADS],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            // Load balancers by namespace: workloads are many.
            let mut balancers: HashMap<Option<&str>, Vec<&Map<String, Value>>> = HashMap::new();
            for service in inventory.of_kind("Service") {
                if service.value.pointer("/spec/type").and_then(Value::as_str) != Some("LoadBalancer") {
                    continue;
                }
                if let Some(selector) = service.value.pointer("/spec/selector").and_then(Value::as_object).filter(|s| !s.is_empty()) {
                    balancers.entry(service.id.namespace.as_deref()).or_default().push(selector);
                }
            }
            for workload in inventory.workloads() {
                if workload.id.kind == "DaemonSet" {
                    continue;
                }
                cx.evaluated();
                let selects = |selector: &&Map<String, Value>| {
                    selector.iter().all(|(k, v)| v.as_str().is_some_and(|v| workload.pod_labels.get(k).map(String::as_str) == Some(v)))
                };
                let exposed = balancers.get(&workload.namespace()).is_some_and(|list| list.iter().any(selects));
                if workload.host_access.is_empty() && !exposed {
                    continue;
                }
                let mut reasons = workload.host_access.clone();
                if exposed {
                    reasons.push("exposed by a LoadBalancer Service".to_string());
                }
                if reasons.is_empty() || workload.placed_on_dedicated_nodes {
                    continue;
                }
                cx.fail_workload(workload, workload.pod_spec_path.clone(), workload.pod_spec_pos, format!("pods ({}) may share nodes with any other workload: no nodeSelector, required node affinity or taint toleration (heuristic)", reasons.join(", ")));
            }
        }
    }
}
