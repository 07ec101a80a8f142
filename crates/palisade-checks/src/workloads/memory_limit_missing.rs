use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::requirements::require_resource;

declare_check! {
    /// ## What it checks
    /// Regular and init containers without `resources.limits.memory`. Ephemeral
    /// containers cannot declare resources and are not judged.
    ///
    /// ## Why it matters
    /// Without a limit a leaking or hostile container can exhaust the node's memory and have the kernel kill other workloads.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   limits:
    ///     memory: 256Mi
    /// ```
    pub struct MemoryLimitMissing {
        id: "PAL-WL-024",
        slug: "memory-limit-missing",
        title: "Container has no memory limit",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Set `resources.limits.memory` on every container.",
        references: &["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            require_resource(pod, "limits", "memory", cx);
        }
    }
}
