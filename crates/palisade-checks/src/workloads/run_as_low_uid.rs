use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::ids::fail_low_ids;

declare_check! {
    /// ## What it checks
    /// Containers whose effective `runAsUser` (their own, else the pod's) is between 1 and 9999 (UID 0 is reported by run-as-root-user).
    /// Unset values are not flagged: the image decides them.
    ///
    /// ## Why it matters
    /// IDs below 10000 commonly exist on the node itself. A container process that
    /// escapes with such an ID acts as that host user, with its files and rights.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    /// ```
    pub struct RunAsLowUid {
        id: "PAL-WL-034",
        slug: "run-as-low-uid",
        title: "Container runs with a UID below 10000",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Set `runAsUser` to 10000 or more.",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            fail_low_ids(pod, |e| e.run_as_user.as_ref(), "runAsUser", 1..10000, cx);
        }
    }
}
