use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::ids::fail_low_ids;

declare_check! {
    /// ## What it checks
    /// Containers whose effective `runAsGroup` (their own, else the pod's) is below 10000, including the root group 0.
    /// Unset values are not flagged: the image decides them.
    ///
    /// ## Why it matters
    /// IDs below 10000 commonly exist on the node itself. A container process that
    /// escapes with such an ID acts as that host group, with its files and rights.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsGroup: 10001
    /// ```
    pub struct RunAsLowGid {
        id: "PAL-WL-035",
        slug: "run-as-low-gid",
        title: "Container runs with a GID below 10000",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Set `runAsGroup` to 10000 or more.",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            fail_low_ids(pod, |e| e.run_as_group.as_ref(), "runAsGroup", 0..10000, cx);
        }
    }
}
