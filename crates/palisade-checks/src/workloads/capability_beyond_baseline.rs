use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};

use crate::helpers::capabilities::entries;
use crate::helpers::pss_versions::BASELINE_ADDABLE_CAPABILITIES;

declare_check! {
    /// ## What it checks
    /// Capabilities added with `securityContext.capabilities.add` beyond the baseline
    /// allow-list (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD,
    /// NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT). Names are
    /// compared exactly, as Pod Security admission does: `CAP_CHOWN` or `chown` are
    /// not on the list.
    ///
    /// ## Why it matters
    /// The default set of a container runtime is already generous; anything beyond it
    /// (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ...) hands the container kernel powers that
    /// lead to escapes or to attacks on other pods.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["NET_ADMIN"]
    /// ```
    pub struct CapabilityBeyondBaseline {
        id: "PAL-WL-004",
        slug: "capability-beyond-baseline",
        title: "Container adds a capability outside the baseline set",
        severity: High,
        target: Target::PodSpec,
        remediation: "Remove the capability from `capabilities.add`; redesign the workload so that it does not need it.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
        pss: Some(PssControl::baseline("Capabilities", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for c in pod.containers() {
                for (path, name) in entries(c, "add") {
                    if !BASELINE_ADDABLE_CAPABILITIES.contains(&name) {
                        cx.fail_args(path, format_args!("{} adds capability {name}, which the baseline profile does not allow", c.describe()));
                    }
                }
            }
        }
    }
}
