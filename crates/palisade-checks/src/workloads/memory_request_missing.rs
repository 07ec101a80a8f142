use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::requirements::require_resource;

declare_check! {
    /// ## What it checks
    /// Regular and init containers without `resources.requests.memory`. Ephemeral
    /// containers cannot declare resources and are not judged.
    ///
    /// ## Why it matters
    /// Without a request the scheduler overcommits nodes, and the pod is among the first evicted under memory pressure.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests:
    ///     memory: 128Mi
    /// ```
    pub struct MemoryRequestMissing {
        id: "PAL-WL-023",
        slug: "memory-request-missing",
        title: "Container has no memory request",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Set `resources.requests.memory` on every container.",
        references: &["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            require_resource(pod, "requests", "memory", cx);
        }
    }
}
