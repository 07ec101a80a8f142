use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};

use super::proc_mount_unmasked::fail_unmasked_proc;

declare_check! {
    /// ## What it checks
    /// Containers whose `securityContext.procMount` is anything but `Default`, even in
    /// pods that run in a user namespace (`hostUsers: false`). This is the restricted
    /// profile's form of the `/proc` mount control (policy v1.35 and later), which
    /// replaces the baseline form in that profile.
    ///
    /// ## Why it matters
    /// A user namespace limits what an unmasked `/proc` exposes, but the restricted
    /// profile keeps the masks as defence in depth.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostUsers: false
    ///   containers:
    ///   - name: app
    ///     securityContext:
    ///       procMount: Unmasked
    /// ```
    pub struct ProcMountUnmaskedRestricted {
        id: "PAL-WL-019",
        slug: "proc-mount-unmasked-restricted",
        title: "Container unmasks /proc (restricted profile)",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Remove `procMount` or set it to `Default`.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"],
        pss: Some(PssControl::restricted("/proc Mount Type", 35).overriding("PAL-WL-009")),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            fail_unmasked_proc(pod, cx);
        }
    }
}
