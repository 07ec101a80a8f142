//! hostPath volumes and the host locations that hand over the node.

use palisade_core::{FieldPath, PodSpecView};
use serde_json::Value;

/// Every hostPath volume of a pod: the path of its `hostPath.path` field
/// and the path as written.
pub fn host_path_volumes<'a>(pod: &PodSpecView<'a>) -> Vec<(FieldPath, &'a str)> {
    pod.list("volumes")
        .filter_map(|(path, volume)| {
            let host_path = volume.get("hostPath")?;
            let text = host_path.get("path").and_then(Value::as_str).unwrap_or("");
            Some((path.join("hostPath").join("path"), text))
        })
        .collect()
}

/// A path with `.`, `..`, repeated and trailing slashes resolved, so that
/// `/var/run/../run/./docker.sock//` is judged like `/run/docker.sock`.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `path` is `dir` or lies below it.
pub fn is_within(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

const RUNTIME_SOCKETS: [&str; 4] = [
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "cri-dockerd.sock",
];
const RUNTIME_DIRS: [&str; 6] = [
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/crio",
    "/run/crio",
    "/var/lib/docker",
    "/var/lib/containerd",
];

/// A container runtime's socket or state directory: whoever holds it
/// controls every container on the node.
pub fn is_runtime_socket(path: &str) -> bool {
    let path = normalize(path);
    let file = path.rsplit('/').next().unwrap_or("");
    RUNTIME_SOCKETS.contains(&file) || RUNTIME_DIRS.iter().any(|d| is_within(&path, d))
}

/// Host directories whose contents let a container read node credentials,
/// change the host, or escape.
pub const SENSITIVE_DIRS: [&str; 13] = [
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/root",
    "/home",
    "/var/run",
    "/run",
    "/var/lib/kubelet",
    "/var/lib/etcd",
    "/var/log",
    "/lib/modules",
];

/// The sensitive directory `path` falls in, or `/` for the root itself.
pub fn sensitive_dir(path: &str) -> Option<&'static str> {
    let path = normalize(path);
    if path == "/" {
        return Some("/");
    }
    SENSITIVE_DIRS.iter().copied().find(|d| is_within(&path, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_matches() {
        assert_eq!(
            normalize("/var/run/../run/./docker.sock//"),
            "/var/run/docker.sock"
        );
        assert!(is_runtime_socket("/run/containerd/containerd.sock"));
        assert!(is_runtime_socket("/var/lib/docker"));
        assert!(!is_runtime_socket("/var/lib/dockerd"));
        assert_eq!(sensitive_dir("/etc/kubernetes/"), Some("/etc"));
        assert_eq!(sensitive_dir("//"), Some("/"));
        assert_eq!(sensitive_dir("/etcetera"), None);
        assert_eq!(sensitive_dir("/data"), None);
    }
}
