use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::host_paths::{
    exposed_runtime_socket, exposed_sensitive_dir, host_path_volumes, is_within, normalize,
};

declare_check! {
    /// ## What it checks
    /// hostPath volumes of the host's root, of a sensitive directory or anything
    /// below it, or of a parent of one (`/var` holds `/var/lib/kubelet`): `/etc`,
    /// `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/home`, `/var/run`, `/run`,
    /// `/var/lib/kubelet`, `/var/lib/etcd`, `/var/lib/docker`,
    /// `/var/lib/containerd`, `/var/log`, `/lib/modules`. Paths are normalised
    /// first. Mounts of a runtime socket itself are reported by
    /// `container-runtime-socket-mounted` instead.
    ///
    /// ## Why it matters
    /// These paths hold node credentials (kubelet and etcd keys, service account
    /// tokens of every pod), let the container change the host (`/etc`, `/proc/sys`),
    /// or read other users' data. Pod Security Standards only say "no hostPath"; these
    /// are the mounts that turn into a node takeover.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    /// - name: host-etc
    ///   hostPath:
    ///     path: /etc
    /// ```
    pub struct SensitiveHostPathMounted {
        id: "PAL-WL-038",
        slug: "sensitive-host-path-mounted",
        title: "Sensitive host path mounted into the pod",
        severity: Critical,
        target: Target::PodSpec,
        remediation: "Remove the hostPath volume; if a node agent truly needs it, mount the narrowest file read-only in a dedicated namespace.",
        references: &["https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (path, host) in host_path_volumes(pod) {
                // A socket, or the runtime's own socket directory, is one risk
                // (the runtime), reported once by the runtime-socket check.
                let only_the_runtime = exposed_runtime_socket(host).is_some_and(|socket| {
                    let socket_dir = socket.rsplit_once('/').map_or("/", |(dir, _)| dir);
                    let mounted = normalize(host);
                    socket.starts_with('/') && !socket_dir.is_empty() && is_within(&mounted, socket_dir)
                });
                if only_the_runtime {
                    continue;
                }
                if let Some(dir) = exposed_sensitive_dir(host) {
                    let mounted = normalize(host);
                    if dir == "/" {
                        cx.fail_args(path, format_args!("pod mounts {host:?}, the host's root file system"));
                    } else if is_within(&mounted, dir) {
                        cx.fail_args(path, format_args!("pod mounts {host:?}, in sensitive host directory {dir}"));
                    } else {
                        cx.fail_args(path, format_args!("pod mounts {host:?}, which holds sensitive host directory {dir}"));
                    }
                }
            }
        }
    }
}
