use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::requirements::require_resource;

declare_check! {
    /// ## What it checks
    /// Regular and init containers without `resources.limits.cpu`. Ephemeral
    /// containers cannot declare resources and are not judged.
    ///
    /// ## Why it matters
    /// Without a limit one container can use every core of its node and starve its neighbours (a denial of service, deliberate or not).
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   limits:
    ///     cpu: 500m
    /// ```
    pub struct CpuLimitMissing {
        id: "PAL-WL-022",
        slug: "cpu-limit-missing",
        title: "Container has no CPU limit",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Set `resources.limits.cpu` on every container.",
        references: &["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            require_resource(pod, "limits", "cpu", cx);
        }
    }
}
