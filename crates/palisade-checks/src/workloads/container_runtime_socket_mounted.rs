use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::host_paths::{exposed_runtime_socket, host_path_volumes};

declare_check! {
    /// ## What it checks
    /// hostPath volumes that expose a container runtime's API: a `docker.sock`,
    /// `containerd.sock`, `crio.sock` or `cri-dockerd.sock` socket wherever it is,
    /// a directory that holds a runtime's default socket (`/run/containerd`) or any
    /// ancestor of one (`/var`, `/`), and the Windows named pipes
    /// (`\\.\pipe\docker_engine`, `\\.\pipe\containerd-containerd`). Paths are
    /// normalised first (`/var/run/../run/docker.sock` counts). Runtime state
    /// directories without a socket (`/var/lib/docker`) are reported by
    /// `sensitive-host-path-mounted`.
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
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (path, host) in host_path_volumes(pod) {
                match exposed_runtime_socket(host) {
                    Some(socket) if socket == host => {
                        cx.fail_args(path, format_args!("pod mounts the container runtime socket {host:?}"))
                    }
                    Some(socket) => cx.fail_args(
                        path,
                        format_args!("pod mounts {host:?}, which holds the container runtime socket {socket}"),
                    ),
                    None => {}
                }
            }
        }
    }
}
