use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::capabilities::fail_if_added;

declare_check! {
    /// ## What it checks
    /// Containers that add the `NET_ADMIN` capability (any spelling: `NET_ADMIN`,
    /// `CAP_NET_ADMIN`, lower case).
    ///
    /// ## Why it matters
    /// NET_ADMIN lets the container reconfigure interfaces, routes and firewall rules of its network namespace (of the node's, with hostNetwork), intercept traffic, and bypass network policy.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["NET_ADMIN"]
    /// ```
    pub struct NetAdminCapability {
        id: "PAL-WL-040",
        slug: "net-admin-capability",
        title: "Container adds NET_ADMIN",
        severity: High,
        target: Target::PodSpec,
        remediation: "Remove NET_ADMIN from `capabilities.add`.",
        references: &["https://man7.org/linux/man-pages/man7/capabilities.7.html"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            fail_if_added(pod.containers(), "NET_ADMIN", "lets it reconfigure networking and intercept traffic", cx);
        }
    }
}
