use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::capabilities::fail_if_added;

declare_check! {
    /// ## What it checks
    /// Containers that add the `SYS_MODULE` capability (any spelling: `SYS_MODULE`,
    /// `CAP_SYS_MODULE`, lower case).
    ///
    /// ## Why it matters
    /// SYS_MODULE lets the container load kernel modules: arbitrary code in the node's kernel.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["SYS_MODULE"]
    /// ```
    pub struct SysModuleCapability {
        id: "PAL-WL-042",
        slug: "sys-module-capability",
        title: "Container adds SYS_MODULE",
        severity: Critical,
        target: Target::PodSpec,
        remediation: "Remove SYS_MODULE from `capabilities.add`.",
        references: &["https://man7.org/linux/man-pages/man7/capabilities.7.html"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            fail_if_added(pod.containers(), "SYS_MODULE", "lets it load kernel modules", cx);
        }
    }
}
