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

/// Socket file names of container runtimes, wherever they are placed.
const RUNTIME_SOCKET_NAMES: [&str; 4] = [
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "cri-dockerd.sock",
];

/// Where runtimes put their sockets by default. Mounting one of these, a
/// directory holding one, or any ancestor of one hands over the runtime.
const RUNTIME_SOCKETS: [&str; 9] = [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/run/k3s/containerd/containerd.sock",
];

/// Windows runtimes listen on named pipes instead.
const RUNTIME_PIPES: [&str; 2] = [r"\\.\pipe\docker_engine", r"\\.\pipe\containerd-containerd"];

/// The runtime socket (or named pipe) that a hostPath mount of `path`
/// exposes: the socket itself, or one lying below the mounted directory.
/// Whoever can write to it controls every container on the node.
pub fn exposed_runtime_socket(path: &str) -> Option<String> {
    let lower = path.to_ascii_lowercase();
    if let Some(pipe) = RUNTIME_PIPES
        .iter()
        .find(|p| lower.starts_with(&p.to_ascii_lowercase()))
    {
        return Some((*pipe).to_string());
    }
    let path = normalize(path);
    let file = path.rsplit('/').next().unwrap_or("");
    if RUNTIME_SOCKET_NAMES.contains(&file) {
        return Some(path);
    }
    RUNTIME_SOCKETS
        .iter()
        .find(|socket| is_within(socket, &path))
        .map(|socket| (*socket).to_string())
}

/// Host directories whose contents let a container read node credentials
/// (kubelet and etcd keys, every pod's service account token, other
/// containers' environment and file systems), change the host, or escape.
pub const SENSITIVE_DIRS: [&str; 15] = [
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
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/log",
    "/lib/modules",
];

/// The sensitive directory a hostPath mount of `path` exposes: one that
/// contains the path, or one lying below it (mounting `/var` exposes
/// `/var/lib/kubelet`). `/` for the root itself.
pub fn exposed_sensitive_dir(path: &str) -> Option<&'static str> {
    let path = normalize(path);
    if path == "/" {
        return Some("/");
    }
    SENSITIVE_DIRS
        .iter()
        .copied()
        .find(|d| is_within(&path, d) || is_within(d, &path))
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
        assert!(exposed_runtime_socket("/run/containerd/containerd.sock").is_some());
        assert!(exposed_runtime_socket("/run/containerd").is_some());
        assert_eq!(
            exposed_runtime_socket("/var").as_deref(),
            Some("/var/run/docker.sock")
        );
        assert!(exposed_runtime_socket("/srv/custom/containerd.sock").is_some());
        assert!(exposed_runtime_socket(r"\\.\pipe\docker_engine").is_some());
        assert!(exposed_runtime_socket("/var/lib/docker/containers").is_none());
        assert!(exposed_runtime_socket("/var/run/app/agent.sock").is_none());
        assert_eq!(exposed_sensitive_dir("/etc/kubernetes/"), Some("/etc"));
        assert_eq!(exposed_sensitive_dir("//"), Some("/"));
        assert_eq!(exposed_sensitive_dir("/var/lib"), Some("/var/lib/kubelet"));
        assert_eq!(
            exposed_sensitive_dir("/var/lib/docker/containers"),
            Some("/var/lib/docker")
        );
        assert_eq!(exposed_sensitive_dir("/etcetera"), None);
        assert_eq!(exposed_sensitive_dir("/data"), None);
        assert_eq!(exposed_sensitive_dir("/var/lib/docker-volumes"), None);
    }
}
