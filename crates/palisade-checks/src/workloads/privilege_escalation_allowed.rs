use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};

use crate::helpers::pss_versions::windows_exempt;

declare_check! {
    /// ## What it checks
    /// Containers that do not set `securityContext.allowPrivilegeEscalation: false`
    /// explicitly (the Kubernetes default is to allow it). Windows pods
    /// (`spec.os.name: windows`) are exempt from policy v1.25.
    ///
    /// ## Why it matters
    /// Without `no_new_privs`, a process can gain privileges through setuid binaries
    /// or file capabilities, undoing a non-root user.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   allowPrivilegeEscalation: false
    /// ```
    pub struct PrivilegeEscalationAllowed {
        id: "PAL-WL-014",
        slug: "privilege-escalation-allowed",
        title: "Container allows privilege escalation",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"],
        pss: Some(PssControl::restricted("Privilege Escalation", 8)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if windows_exempt(pod, cx.settings().pss_version) {
                return;
            }
            for c in pod.containers() {
                match &c.effective.allow_privilege_escalation {
                    Some(s) if !s.value => {}
                    Some(s) => cx.fail_args(c.path_of(s), format_args!("{} sets allowPrivilegeEscalation to true", c.describe())),
                    None => cx.fail_args(c.path.join_all(&["securityContext", "allowPrivilegeEscalation"]), format_args!("{} does not set allowPrivilegeEscalation to false", c.describe())),
                }
            }
        }
    }
}
