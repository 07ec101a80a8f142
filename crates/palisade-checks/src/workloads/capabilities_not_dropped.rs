use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};

use crate::helpers::capabilities::entries;
use crate::helpers::pss_versions::windows_exempt;

declare_check! {
    /// ## What it checks
    /// Containers that do not drop `ALL` capabilities (`capabilities.drop` must contain
    /// the exact string `ALL`), or that add any capability other than
    /// `NET_BIND_SERVICE`. Part of the restricted profile from policy v1.22, where it
    /// replaces the baseline capabilities control; Windows pods are exempt from v1.25.
    ///
    /// ## Why it matters
    /// The runtime's default capability set includes powers most applications never
    /// use (CHOWN, DAC_OVERRIDE, NET_RAW, SETUID, ...). Dropping all of them and adding
    /// back only what is needed shrinks what a compromised process can do.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: ["ALL"]
    /// ```
    pub struct CapabilitiesNotDropped {
        id: "PAL-WL-018",
        slug: "capabilities-not-dropped",
        title: "Container does not drop all capabilities",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Set `capabilities.drop: [\"ALL\"]` and add back at most `NET_BIND_SERVICE`.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"],
        pss: Some(PssControl::restricted("Capabilities", 22).overriding("PAL-WL-004")),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if windows_exempt(pod, cx.settings().pss_version) {
                return;
            }
            for c in pod.containers() {
                if !entries(c, "drop").iter().any(|(_, name)| *name == "ALL") {
                    cx.fail_args(c.path.join_all(&["securityContext", "capabilities", "drop"]), format_args!("{} does not drop ALL capabilities", c.describe()));
                }
                for (path, name) in entries(c, "add") {
                    if name != "NET_BIND_SERVICE" {
                        cx.fail_args(path, format_args!("{} adds capability {name}; the restricted profile allows only NET_BIND_SERVICE", c.describe()));
                    }
                }
            }
        }
    }
}
