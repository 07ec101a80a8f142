//! Static pod manifests, read as the kubelet reads its manifest directory:
//! every file not hidden (names starting with `.` are editor and backup
//! files the kubelet skips), YAML or JSON.

use std::path::Path;

use serde_json::Value;

use super::processes::etcd_env_flags;
use crate::args::Flags;
use crate::layout::Layout;
use crate::model::ComponentKind;
use crate::root::{join, NodeFs};
use crate::yaml::parse_document;

/// One component a manifest defines.
pub struct StaticPod {
    pub kind: ComponentKind,
    pub file: String,
    pub flags: Flags,
    /// The image tag's version (`v1.30.2`).
    pub image_version: Option<String>,
    /// The container's mounts of host paths: `(mount path, host path)`.
    pub mounts: Vec<(String, String)>,
}

/// A manifest that could not be read or parsed, and the component its
/// name says it is about (if it says).
pub struct Unreadable {
    pub kind: Option<ComponentKind>,
    pub reason: String,
}

pub fn read(
    fs: &NodeFs,
    layout: &Layout,
    warnings: &mut Vec<String>,
) -> (Vec<StaticPod>, Vec<Unreadable>) {
    let mut pods = Vec::new();
    let mut unreadable = Vec::new();
    for dir in layout.manifest_dirs {
        let names = match fs.list_dir(dir) {
            Ok(names) => names,
            Err(error) => {
                warnings.push(format!("static pod manifests not read: {error}"));
                continue;
            }
        };
        for name in names.iter().filter(|n| !n.starts_with('.')) {
            let file = join(dir, name);
            let parsed = fs
                .read_text(&file)
                .map_err(|e| e.to_string())
                .and_then(|text| parse_document(&file, &text));
            match parsed {
                Ok(pod) => pods.extend(components(&pod, &file)),
                Err(reason) => {
                    let stem = name.split('.').next().unwrap_or_default();
                    unreadable.push(Unreadable {
                        kind: ComponentKind::from_binary(stem),
                        reason,
                    });
                }
            }
        }
    }
    (pods, unreadable)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// The components a pod's containers run.
fn components(pod: &Value, file: &str) -> Vec<StaticPod> {
    let containers = pod.pointer("/spec/containers").and_then(Value::as_array);
    let mut out = Vec::new();
    for container in containers.into_iter().flatten() {
        let mut words = strings(container.get("command"));
        words.extend(strings(container.get("args")));
        let Some(program) = words.first() else {
            continue;
        };
        let name = Path::new(program)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some(kind) = ComponentKind::from_binary(name) else {
            continue;
        };
        let flags = if kind == ComponentKind::Etcd {
            let env = container
                .get("env")
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            let env =
                env.filter_map(|e| Some((e.get("name")?.as_str()?, e.get("value")?.as_str()?)));
            Flags::parse_exact(&words[1..]).with_defaults(etcd_env_flags(env))
        } else {
            Flags::parse(&words[1..])
        };
        out.push(StaticPod {
            kind,
            file: file.to_string(),
            flags,
            image_version: container
                .get("image")
                .and_then(Value::as_str)
                .and_then(image_version),
            mounts: host_mounts(pod, container),
        });
    }
    out
}

/// The container's volume mounts backed by `hostPath` volumes.
fn host_mounts(pod: &Value, container: &Value) -> Vec<(String, String)> {
    let volumes = pod.pointer("/spec/volumes").and_then(Value::as_array);
    let host_path_of = |name: &str| {
        volumes
            .into_iter()
            .flatten()
            .find(|v| v.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|v| v.pointer("/hostPath/path"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mounts = container.get("volumeMounts").and_then(Value::as_array);
    mounts
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let mount_path = m.get("mountPath")?.as_str()?.to_string();
            let host = host_path_of(m.get("name")?.as_str()?)?;
            Some((mount_path, host))
        })
        .collect()
}

/// `registry.k8s.io/kube-apiserver:v1.30.2` → `v1.30.2`.
pub fn image_version(image: &str) -> Option<String> {
    let image = image.split('@').next()?;
    let (_, tag) = image.rsplit_once(':')?;
    if tag.contains('/') {
        return None;
    }
    let trimmed = tag.strip_prefix('v').unwrap_or(tag);
    trimmed
        .split('.')
        .next()
        .is_some_and(|major| major.parse::<u32>().is_ok())
        .then(|| tag.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags_give_versions() {
        assert_eq!(
            image_version("registry.k8s.io/kube-apiserver:v1.30.2").as_deref(),
            Some("v1.30.2")
        );
        assert_eq!(image_version("localhost:5000/etcd"), None);
        assert_eq!(image_version("kube-apiserver:latest"), None);
    }

    #[test]
    fn host_path_mounts_are_paired() {
        let pod: Value = serde_json::json!({"spec": {
            "volumes": [{"name": "k8s", "hostPath": {"path": "/etc/kubernetes"}}, {"name": "tmp", "emptyDir": {}}],
            "containers": [{"command": ["kube-apiserver"], "volumeMounts": [
                {"name": "k8s", "mountPath": "/etc/kubernetes/config"}, {"name": "tmp", "mountPath": "/tmp"}]}]}});
        let pods = components(&pod, "/m.yaml");
        assert_eq!(
            pods[0].mounts,
            vec![(
                "/etc/kubernetes/config".to_string(),
                "/etc/kubernetes".to_string()
            )]
        );
    }
}
