use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};

use super::seccomp_unconfined::disallowed_seccomp_type;
use crate::helpers::pss_versions::{seccomp_type_allowed, windows_exempt};

declare_check! {
    /// ## What it checks
    /// Containers without an effective seccomp profile of type `RuntimeDefault` or
    /// `Localhost`: each container must set one, or inherit a valid one from the pod,
    /// and no level may set another type. Part of the restricted profile from policy
    /// v1.19; Windows pods are exempt from v1.25.
    ///
    /// ## Why it matters
    /// Kubernetes runs containers `Unconfined` unless told otherwise (or unless the
    /// kubelet's seccomp defaulting is on), leaving every system call open.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    /// ```
    pub struct SeccompProfileMissing {
        id: "PAL-WL-017",
        slug: "seccomp-profile-missing",
        title: "Container has no RuntimeDefault or Localhost seccomp profile",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod.",
        references: &["https://kubernetes.io/docs/tutorials/security/seccomp/"],
        pss: Some(PssControl::restricted("Seccomp", 19).overriding("PAL-WL-010")),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if windows_exempt(pod, cx.settings().pss_version) {
                return;
            }
            if let Some(ty) = disallowed_seccomp_type(pod.security_context()) {
                cx.fail_args(pod.security_context_path().join_all(&["seccompProfile", "type"]), format_args!("pod sets seccomp profile type {ty:?}"));
            }
            let pod_valid = pod
                .security_context()
                .and_then(|s| s.get("seccompProfile"))
                .is_some_and(|p| seccomp_type_allowed(p.get("type").and_then(|t| t.as_str())));
            for c in pod.containers() {
                if c.security_context().and_then(|s| s.get("seccompProfile")).is_some_and(|p| !p.is_null()) {
                    if let Some(ty) = disallowed_seccomp_type(c.security_context()) {
                        cx.fail_args(c.path.join_all(&["securityContext", "seccompProfile", "type"]), format_args!("{} sets seccomp profile type {ty:?}", c.describe()));
                    }
                } else if !pod_valid {
                    cx.fail_args(c.path.join_all(&["securityContext", "seccompProfile"]), format_args!("neither {} nor its pod sets a RuntimeDefault or Localhost seccomp profile", c.describe()));
                }
            }
        }
    }
}
