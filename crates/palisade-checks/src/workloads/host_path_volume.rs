use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};

use crate::helpers::host_paths::host_path_volumes;

declare_check! {
    /// ## What it checks
    /// Volumes of type `hostPath`, whatever the path.
    ///
    /// ## Why it matters
    /// A hostPath volume exposes the node's file system to the container. Depending on
    /// the path it leaks credentials, lets the container change the node, or gives it
    /// the container runtime. Even harmless-looking paths can be symlinked elsewhere.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    /// - name: data
    ///   hostPath:
    ///     path: /data
    /// ```
    pub struct HostPathVolume {
        id: "PAL-WL-005",
        slug: "host-path-volume",
        title: "Pod mounts a hostPath volume",
        severity: High,
        target: Target::PodSpec,
        remediation: "Use a PersistentVolumeClaim, emptyDir, configMap or secret volume instead of hostPath.",
        references: &["https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"],
        pss: Some(PssControl::baseline("HostPath Volumes", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (path, host) in host_path_volumes(pod) {
                let volume = path.parent().and_then(|p| p.parent()).unwrap_or_default();
                cx.fail_args(volume.join("hostPath"), format_args!("pod mounts host path {host:?} through a hostPath volume"));
            }
        }
    }
}
