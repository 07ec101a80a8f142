use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};

declare_check! {
    /// ## What it checks
    /// Containers with `securityContext.privileged: true`.
    ///
    /// ## Why it matters
    /// A privileged container has every capability, sees every host device and is not
    /// confined by seccomp or AppArmor. Escaping to the node is trivial (mount the host
    /// disk, load a kernel module), and from the node, the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   securityContext:
    ///     privileged: true
    /// ```
    pub struct PrivilegedContainer {
        id: "PAL-WL-003",
        slug: "privileged-container",
        title: "Container runs privileged",
        severity: Critical,
        target: Target::PodSpec,
        remediation: "Remove `privileged: true`; grant the specific capability the workload needs instead, if any.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
        pss: Some(PssControl::baseline("Privileged Containers", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for c in pod.containers() {
                if let Some(p) = c.effective.privileged.as_ref().filter(|p| p.value) {
                    cx.fail_args(c.path_of(p), format_args!("{} runs privileged", c.describe()));
                }
            }
        }
    }
}
