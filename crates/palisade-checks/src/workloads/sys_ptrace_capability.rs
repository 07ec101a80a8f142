use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::capabilities::fail_if_added;

declare_check! {
    /// ## What it checks
    /// Containers that add the `SYS_PTRACE` capability (any spelling: `SYS_PTRACE`,
    /// `CAP_SYS_PTRACE`, lower case).
    ///
    /// ## Why it matters
    /// SYS_PTRACE lets the container trace and inject code into other processes it can see (every process on the node with hostPID), and read their memory and secrets.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["SYS_PTRACE"]
    /// ```
    pub struct SysPtraceCapability {
        id: "PAL-WL-041",
        slug: "sys-ptrace-capability",
        title: "Container adds SYS_PTRACE",
        severity: High,
        target: Target::PodSpec,
        remediation: "Remove SYS_PTRACE from `capabilities.add`.",
        references: &["https://man7.org/linux/man-pages/man7/capabilities.7.html"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            fail_if_added(pod.containers(), "SYS_PTRACE", "lets it trace and inject into other processes", cx);
        }
    }
}
