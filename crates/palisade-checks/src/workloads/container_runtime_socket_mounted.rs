use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::host_paths::{host_path_volumes, is_runtime_socket};

declare_check! {
    /// ## What it checks
    /// hostPath volumes that expose a container runtime: a `docker.sock`,
    /// `containerd.sock`, `crio.sock` or `cri-dockerd.sock` socket, or the runtime's
    /// state directory (`/run/containerd`, `/var/lib/docker`, ...). Paths are
    /// normalised first (`/var/run/../run/docker.sock` counts).
    ///
    /// ## Why it matters
    /// The runtime socket accepts "start a privileged container with the host's root
    /// file system": whoever can write to it owns the node and every pod on it.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    /// - name: docker
    ///   hostPath:
    ///     path: /var/run/docker.sock
    /// ```
    pub struct ContainerRuntimeSocketMounted {
        id: "PAL-WL-037",
        slug: "container-runtime-socket-mounted",
        title: "Container runtime socket mounted into the pod",
        severity: Critical,
        target: Target::PodSpec,
        remediation: "Remove the volume. Build images with a daemonless builder (BuildKit rootless, Kaniko) and read container metadata through the Kubernetes API.",
        references: &["https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"],
        frameworks: [("cis-1.10", "5.2.12"), ("mitre-attack-containers", "T1610")],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (path, host) in host_path_volumes(pod) {
                if is_runtime_socket(host) {
                    cx.fail_args(path, format_args!("pod mounts the container runtime at {host:?}"));
                }
            }
        }
    }
}
