use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::capabilities::fail_if_added;

declare_check! {
    /// ## What it checks
    /// Containers that add the `ALL` capability (any spelling: `ALL`,
    /// `CAP_ALL`, lower case).
    ///
    /// ## Why it matters
    /// Adding ALL grants every capability, which is as good as privileged for escaping to the node.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["ALL"]
    /// ```
    pub struct AllCapabilitiesAdded {
        id: "PAL-WL-043",
        slug: "all-capabilities-added",
        title: "Container adds ALL capabilities",
        severity: Critical,
        target: Target::PodSpec,
        remediation: "Remove ALL from `capabilities.add`.",
        references: &["https://man7.org/linux/man-pages/man7/capabilities.7.html"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            fail_if_added(pod.containers(), "ALL", "grants every capability", cx);
        }
    }
}
