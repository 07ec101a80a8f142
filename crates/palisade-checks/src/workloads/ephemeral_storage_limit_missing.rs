use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::requirements::require_resource;

declare_check! {
    /// ## What it checks
    /// Regular and init containers without `resources.limits.ephemeral-storage`. Ephemeral
    /// containers cannot declare resources and are not judged.
    ///
    /// ## Why it matters
    /// Without a limit a container can fill the node's disk with logs or scratch files, and the kubelet then evicts pods node-wide.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   limits:
    ///     ephemeral-storage: 1Gi
    /// ```
    pub struct EphemeralStorageLimitMissing {
        id: "PAL-WL-025",
        slug: "ephemeral-storage-limit-missing",
        title: "Container has no ephemeral-storage limit",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Set `resources.limits.ephemeral-storage` on every container.",
        references: &["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            require_resource(pod, "limits", "ephemeral-storage", cx);
        }
    }
}
