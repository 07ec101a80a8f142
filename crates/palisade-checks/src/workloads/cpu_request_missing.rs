use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::requirements::require_resource;

declare_check! {
    /// ## What it checks
    /// Regular and init containers without `resources.requests.cpu`. Ephemeral
    /// containers cannot declare resources and are not judged.
    ///
    /// ## Why it matters
    /// Without a request the scheduler cannot place the pod sensibly and the pod gets the lowest CPU share under contention.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests:
    ///     cpu: 100m
    /// ```
    pub struct CpuRequestMissing {
        id: "PAL-WL-021",
        slug: "cpu-request-missing",
        title: "Container has no CPU request",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Set `resources.requests.cpu` on every container.",
        references: &["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            require_resource(pod, "requests", "cpu", cx);
        }
    }
}
