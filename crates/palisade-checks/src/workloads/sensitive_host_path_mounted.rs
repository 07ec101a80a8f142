use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::host_paths::{host_path_volumes, is_runtime_socket, sensitive_dir};

declare_check! {
    /// ## What it checks
    /// hostPath volumes of the host's root or of a sensitive directory or anything
    /// below it: `/etc`, `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/home`,
    /// `/var/run`, `/run`, `/var/lib/kubelet`, `/var/lib/etcd`, `/var/log`,
    /// `/lib/modules`. Paths are normalised first. Runtime sockets are reported by
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
        frameworks: [("cis-1.10", "5.2.12"), ("mitre-attack-containers", "T1611")],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (path, host) in host_path_volumes(pod) {
                if is_runtime_socket(host) {
                    continue;
                }
                if let Some(dir) = sensitive_dir(host) {
                    let what = if dir == "/" { "the host's root file system".to_string() } else { format!("sensitive host directory {dir}") };
                    cx.fail_args(path, format_args!("pod mounts {host:?}, in {what}"));
                }
            }
        }
    }
}
