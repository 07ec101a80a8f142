use palisade_core::{declare_check, FieldPath, Inventory, InventoryContext, Target};

use crate::helpers::namespaces::{enforce_level, EnforceLabel, ENFORCE_LABEL};

declare_check! {
    /// ## What it checks
    /// Namespace objects without the `pod-security.kubernetes.io/enforce` label, or whose
    /// value is not `privileged`, `baseline` or `restricted` (values are case-sensitive;
    /// Pod Security admission rejects others). `warn` and `audit` labels do not enforce
    /// anything.
    ///
    /// ## Why it matters
    /// Without an enforce label the namespace falls back to the cluster default, which is
    /// `privileged` unless the admission configuration says otherwise: anyone who can
    /// create a pod there can run it privileged with the node's filesystem mounted.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    /// ```
    pub struct NamespaceWithoutPodSecurityLabels {
        id: "PAL-NET-007",
        slug: "namespace-without-pod-security-labels",
        title: "Namespace does not enforce a Pod Security level",
        severity: Medium,
        target: Target::Inventory,
        remediation: "Label the namespace with `pod-security.kubernetes.io/enforce: restricted` (or `baseline` where restricted is not yet possible).",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-admission/"],
        pss: None,
        status: Stable,
        reads: &["Namespace"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            for namespace in inventory.of_kind("Namespace") {
                cx.evaluated();
                let labels = FieldPath::root().join("metadata").join("labels");
                match enforce_level(namespace) {
                    EnforceLabel::Missing => cx.fail(namespace, labels, format!("namespace {:?} has no `{ENFORCE_LABEL}` label: pods are admitted at the cluster default, privileged unless configured", namespace.id.name)),
                    EnforceLabel::Invalid(value) => cx.fail(namespace, labels.join(ENFORCE_LABEL), format!("namespace {:?} sets `{ENFORCE_LABEL}` to {value:?}, which is not privileged, baseline or restricted", namespace.id.name)),
                    EnforceLabel::Level(_) => {}
                }
            }
        }
    }
}
