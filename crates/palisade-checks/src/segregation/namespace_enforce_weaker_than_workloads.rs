use palisade_core::{declare_check, FieldPath, Inventory, InventoryContext, Target, WORKLOADS};

use crate::helpers::namespaces::{enforce_level, strictest_met, EnforceLabel, ENFORCE_LABEL};

declare_check! {
    /// ## What it checks
    /// Namespace objects with a valid `pod-security.kubernetes.io/enforce` label whose
    /// workloads in the scan (at least one) all already satisfy a stricter level: all
    /// restricted under a `baseline` or `privileged` label, all baseline under
    /// `privileged`.
    ///
    /// ## Why it matters
    /// The enforce level is the guarantee for the future: the next pod, or an attacker's,
    /// is admitted under it. When every workload already meets a stricter level,
    /// tightening the label costs nothing and closes the door.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: privileged
    /// # ...while every workload in it meets baseline
    /// ```
    pub struct NamespaceEnforceWeakerThanWorkloads {
        id: "PAL-NET-009",
        slug: "namespace-enforce-weaker-than-workloads",
        title: "Namespace enforces a weaker Pod Security level than its workloads meet",
        severity: Low,
        target: Target::Inventory,
        remediation: "Raise the namespace's enforce label to the level its workloads already meet.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-admission/"],
        pss: None,
        status: Stable,
        reads: &["Namespace", WORKLOADS],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            for ns in inventory.namespaces() {
                let Some(object) = ns.object.map(|o| inventory.object(o)) else { continue };
                let EnforceLabel::Level(enforced) = enforce_level(object) else { continue };
                if ns.workloads.is_empty() {
                    continue;
                }
                cx.evaluated();
                let met = ns.workloads.iter().map(|&w| strictest_met(inventory.workload(w))).min();
                if let Some(Some(met)) = met {
                    if enforced.is_none_or(|e| e < met) {
                        let path = FieldPath::root().join("metadata").join("labels").join(ENFORCE_LABEL);
                        cx.fail(object, path, format!("{} enforces {} but all its {} workload(s) already meet {met}", ns.display(), enforced.map_or("privileged", |l| l.as_str()), ns.workloads.len()));
                    }
                }
            }
        }
    }
}
