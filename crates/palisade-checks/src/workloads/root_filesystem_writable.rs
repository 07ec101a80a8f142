use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

declare_check! {
    /// ## What it checks
    /// Containers that do not set `securityContext.readOnlyRootFilesystem: true`.
    /// Windows pods (`spec.os.name: windows`) are not judged: the field does
    /// not exist for Windows containers and the API server rejects it.
    ///
    /// ## Why it matters
    /// A writable root file system lets an intruder drop tools, modify binaries and
    /// persist inside the container. Applications that need scratch space can mount an
    /// `emptyDir` where they write.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   readOnlyRootFilesystem: true
    /// ```
    pub struct RootFilesystemWritable {
        id: "PAL-WL-020",
        slug: "root-filesystem-writable",
        title: "Container root file system is writable",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Set `readOnlyRootFilesystem: true` and mount `emptyDir` volumes where the application writes.",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if pod.is_windows() {
                return;
            }
            for c in pod.containers() {
                match &c.effective.read_only_root_filesystem {
                    Some(s) if s.value => {}
                    Some(s) => cx.fail_args(c.path_of(s), format_args!("{} sets readOnlyRootFilesystem to false", c.describe())),
                    None => cx.fail_args(c.path.join_all(&["securityContext", "readOnlyRootFilesystem"]), format_args!("{} does not set readOnlyRootFilesystem to true", c.describe())),
                }
            }
        }
    }
}
