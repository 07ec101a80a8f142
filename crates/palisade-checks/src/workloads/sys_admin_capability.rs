use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::capabilities::fail_if_added;

declare_check! {
    /// ## What it checks
    /// Containers that add the `SYS_ADMIN` capability (any spelling: `SYS_ADMIN`,
    /// `CAP_SYS_ADMIN`, lower case).
    ///
    /// ## Why it matters
    /// SYS_ADMIN is "the new root": it allows mounting file systems, creating namespaces and many other operations that lead straight to container escape.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["SYS_ADMIN"]
    /// ```
    pub struct SysAdminCapability {
        id: "PAL-WL-039",
        slug: "sys-admin-capability",
        title: "Container adds SYS_ADMIN",
        severity: Critical,
        target: Target::PodSpec,
        remediation: "Remove SYS_ADMIN from `capabilities.add`.",
        references: &["https://man7.org/linux/man-pages/man7/capabilities.7.html"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            fail_if_added(pod.containers(), "SYS_ADMIN", "allows mounts and namespace changes that lead to container escape", cx);
        }
    }
}
