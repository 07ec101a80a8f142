use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};

use crate::helpers::pss_versions::user_namespace_relaxes;

/// The shared rule of the baseline and restricted `/proc` mount controls.
pub(crate) fn fail_unmasked_proc(pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
    for c in pod.containers() {
        if let Some(mount) = c
            .effective
            .proc_mount
            .as_ref()
            .filter(|m| m.value != "Default")
        {
            cx.fail(
                c.path_of(mount),
                format!("{} sets procMount to {:?}", c.describe(), mount.value),
            );
        }
    }
}

declare_check! {
    /// ## What it checks
    /// Containers whose `securityContext.procMount` is anything but `Default` (for
    /// example `Unmasked`). From policy v1.35 the baseline profile allows this for pods
    /// that run in a user namespace (`hostUsers: false`).
    ///
    /// ## Why it matters
    /// The default `/proc` mount masks paths such as `/proc/kcore` and `/proc/sys` that
    /// leak host information or allow changing kernel settings.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   procMount: Unmasked
    /// ```
    pub struct ProcMountUnmasked {
        id: "PAL-WL-009",
        slug: "proc-mount-unmasked",
        title: "Container unmasks /proc",
        severity: High,
        target: Target::PodSpec,
        remediation: "Remove `procMount` or set it to `Default`.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
        pss: Some(PssControl::baseline("/proc Mount Type", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if user_namespace_relaxes(pod, cx.settings().pss_version) {
                return;
            }
            fail_unmasked_proc(pod, cx);
        }
    }
}
