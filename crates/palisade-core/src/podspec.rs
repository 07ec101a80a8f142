//! A uniform view of the pod spec inside every pod-bearing kind, and the
//! effective security context of each container.
//!
//! Kubernetes applies pod-level `securityContext` fields as defaults that a
//! container-level field of the same name overrides. Checks that read only
//! one level report false positives (a pod that sets `runAsNonRoot: true`
//! once) or misses (a container that sets it back to `false`), so the
//! effective value is computed here, once, with the path of the field it
//! came from.

use serde_json::{Map, Value};

use crate::path::FieldPath;
use crate::resource::Resource;

type Object = Map<String, Value>;

/// Which list a container is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainerKind {
    Container,
    InitContainer,
    EphemeralContainer,
}

impl ContainerKind {
    pub const ALL: [ContainerKind; 3] = [
        ContainerKind::InitContainer,
        ContainerKind::Container,
        ContainerKind::EphemeralContainer,
    ];

    /// The pod spec field holding this list.
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Container => "containers",
            ContainerKind::InitContainer => "initContainers",
            ContainerKind::EphemeralContainer => "ephemeralContainers",
        }
    }

    /// How messages name a container of this kind.
    pub fn noun(self) -> &'static str {
        match self {
            ContainerKind::Container => "container",
            ContainerKind::InitContainer => "init container",
            ContainerKind::EphemeralContainer => "ephemeral container",
        }
    }
}

/// Which security context a setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Container,
    Pod,
}

/// A value together with where it was read from. The field path is built
/// only when a check reports it ([`ContainerView::path_of`]): effective
/// contexts are computed for every container of every object, findings
/// are rarer.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub level: Level,
    /// Keys below `securityContext`, e.g. `["windowsOptions", "hostProcess"]`.
    keys: &'static [&'static str],
}

/// The security settings that apply to one container once pod-level
/// defaults are merged in. Fields that exist only at container level are
/// included so that checks read everything from one place.
#[derive(Debug, Clone, Default)]
pub struct EffectiveSecurityContext<'a> {
    pub run_as_non_root: Option<Sourced<bool>>,
    pub run_as_user: Option<Sourced<i64>>,
    pub run_as_group: Option<Sourced<i64>>,
    pub se_linux_options: Option<Sourced<&'a Object>>,
    pub seccomp_profile: Option<Sourced<&'a Object>>,
    pub app_armor_profile: Option<Sourced<&'a Object>>,
    pub host_process: Option<Sourced<bool>>,
    pub privileged: Option<Sourced<bool>>,
    pub allow_privilege_escalation: Option<Sourced<bool>>,
    pub read_only_root_filesystem: Option<Sourced<bool>>,
    pub capabilities: Option<Sourced<&'a Object>>,
    pub proc_mount: Option<Sourced<&'a str>>,
}

/// How messages name a container (`init container "setup"`), written
/// straight into the message without an intermediate string.
#[derive(Debug, Clone, Copy)]
pub struct ContainerName<'a> {
    kind: ContainerKind,
    name: &'a str,
}

impl std::fmt::Display for ContainerName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind.noun())?;
        // Container names are DNS labels; quote them without the cost of
        // Debug escaping unless they somehow need it.
        if self
            .name
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        {
            f.write_str(" \"")?;
            f.write_str(self.name)?;
            f.write_str("\"")
        } else {
            write!(f, " {:?}", self.name)
        }
    }
}

/// One container of a pod spec.
#[derive(Debug, Clone)]
pub struct ContainerView<'a> {
    /// Where the pod spec sits in the object (`spec.template.spec`, ...).
    spec_keys: &'static [&'static str],
    pub kind: ContainerKind,
    pub index: usize,
    pub name: &'a str,
    pub value: &'a Object,
    pub path: FieldPath,
    pub effective: EffectiveSecurityContext<'a>,
}

impl<'a> ContainerView<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.value.get(key)
    }

    pub fn field(&self, key: &'static str) -> FieldPath {
        self.path.join(key)
    }

    /// The path of the field an effective setting was read from.
    pub fn path_of<T>(&self, setting: &Sourced<T>) -> FieldPath {
        let base = match setting.level {
            Level::Container => self.path.join("securityContext"),
            Level::Pod => FieldPath::root()
                .join_all(self.spec_keys)
                .join("securityContext"),
        };
        base.join_all(setting.keys)
    }

    /// `container "web"`, `init container "setup"`: how messages name it.
    pub fn describe(&self) -> ContainerName<'a> {
        ContainerName {
            kind: self.kind,
            name: self.name,
        }
    }

    pub fn image(&self) -> Option<&'a str> {
        self.value.get("image").and_then(Value::as_str)
    }

    /// The container's `securityContext` object, when set.
    pub fn security_context(&self) -> Option<&'a Object> {
        self.value.get("securityContext").and_then(Value::as_object)
    }

    /// Entries of an array field of the container, with their paths.
    pub fn list(&self, key: &'static str) -> impl Iterator<Item = (FieldPath, &'a Value)> + '_ {
        indexed(self.value.get(key), self.path.join(key))
    }
}

/// Entries of an optional JSON array with the path of each.
pub fn indexed(
    array: Option<&Value>,
    base: FieldPath,
) -> impl Iterator<Item = (FieldPath, &Value)> {
    array
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(move |(i, v)| (base.join(i), v))
}

/// Where the pod spec and pod metadata sit inside a kind, or `None` for
/// kinds that carry no pod spec.
pub fn pod_template_paths(
    kind: &str,
) -> Option<(&'static [&'static str], &'static [&'static str])> {
    match kind {
        "Pod" => Some((&["spec"], &["metadata"])),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => Some((
            &["spec", "template", "spec"],
            &["spec", "template", "metadata"],
        )),
        "CronJob" => Some((
            &["spec", "jobTemplate", "spec", "template", "spec"],
            &["spec", "jobTemplate", "spec", "template", "metadata"],
        )),
        "PodTemplate" => Some((&["template", "spec"], &["template", "metadata"])),
        _ => None,
    }
}

/// The kinds that carry a pod spec.
pub const POD_BEARING_KINDS: [&str; 9] = [
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "PodTemplate",
];

/// The pod spec of a pod-bearing resource.
#[derive(Debug)]
pub struct PodSpecView<'a> {
    pub resource: &'a Resource,
    pub spec: &'a Object,
    pub spec_path: FieldPath,
    pub metadata: Option<&'a Object>,
    pub metadata_path: FieldPath,
    containers: Vec<ContainerView<'a>>,
}

fn walk<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    keys.iter().try_fold(value, |v, k| v.get(*k))
}

fn lookup<'v>(object: Option<&'v Object>, keys: &[&str]) -> Option<&'v Value> {
    let (first, rest) = keys.split_first()?;
    rest.iter().try_fold(object?.get(*first)?, |v, k| v.get(*k))
}

/// Reads `keys` below the container's security context, else below the
/// pod's, and records which one it came from.
fn sourced<'v, T>(
    container: Option<&'v Object>,
    pod: Option<&'v Object>,
    keys: &'static [&'static str],
    convert: impl Fn(&'v Value) -> Option<T>,
) -> Option<Sourced<T>> {
    let own = lookup(container, keys)
        .and_then(&convert)
        .map(|value| Sourced {
            value,
            level: Level::Container,
            keys,
        });
    own.or_else(|| {
        lookup(pod, keys).and_then(&convert).map(|value| Sourced {
            value,
            level: Level::Pod,
            keys,
        })
    })
}

impl<'a> PodSpecView<'a> {
    /// The view of `resource`'s pod spec, or `None` when its kind carries
    /// none or the spec is absent or not a mapping.
    pub fn new(resource: &'a Resource) -> Option<PodSpecView<'a>> {
        let (spec_keys, meta_keys) = pod_template_paths(resource.kind())?;
        let spec = walk(&resource.value, spec_keys)?.as_object()?;
        let metadata = walk(&resource.value, meta_keys).and_then(Value::as_object);
        let spec_path = FieldPath::root().join_all(spec_keys);
        let mut view = PodSpecView {
            resource,
            spec,
            spec_path,
            metadata,
            metadata_path: FieldPath::root().join_all(meta_keys),
            containers: Vec::new(),
        };
        view.containers = view.build_containers();
        Some(view)
    }

    fn build_containers(&self) -> Vec<ContainerView<'a>> {
        let pod_sc = self.security_context();
        let spec_keys = pod_template_paths(self.resource.kind()).map_or(&[][..], |(spec, _)| spec);
        let mut out = Vec::new();
        for kind in ContainerKind::ALL {
            let Some(list) = self.spec.get(kind.field()).and_then(Value::as_array) else {
                continue;
            };
            for (index, item) in list.iter().enumerate() {
                let Some(value) = item.as_object() else {
                    continue;
                };
                let name = value
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("<unnamed>");
                let sc = value.get("securityContext").and_then(Value::as_object);
                let both = |keys| sourced(sc, pod_sc, keys, Value::as_bool);
                let own_bool = |keys| sourced(sc, None, keys, Value::as_bool);
                let int = |keys| sourced(sc, pod_sc, keys, Value::as_i64);
                let object = |keys| sourced(sc, pod_sc, keys, Value::as_object);
                let effective = EffectiveSecurityContext {
                    run_as_non_root: both(&["runAsNonRoot"]),
                    run_as_user: int(&["runAsUser"]),
                    run_as_group: int(&["runAsGroup"]),
                    se_linux_options: object(&["seLinuxOptions"]),
                    seccomp_profile: object(&["seccompProfile"]),
                    app_armor_profile: object(&["appArmorProfile"]),
                    host_process: both(&["windowsOptions", "hostProcess"]),
                    privileged: own_bool(&["privileged"]),
                    allow_privilege_escalation: own_bool(&["allowPrivilegeEscalation"]),
                    read_only_root_filesystem: own_bool(&["readOnlyRootFilesystem"]),
                    capabilities: sourced(sc, None, &["capabilities"], Value::as_object),
                    proc_mount: sourced(sc, None, &["procMount"], Value::as_str),
                };
                out.push(ContainerView {
                    spec_keys,
                    kind,
                    index,
                    name,
                    value,
                    path: self.spec_path.join(kind.field()).join(index),
                    effective,
                });
            }
        }
        out
    }

    /// Every container of every list: init, regular, then ephemeral.
    pub fn containers(&self) -> &[ContainerView<'a>] {
        &self.containers
    }

    /// A field of the pod spec.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.spec.get(key)
    }

    pub fn field(&self, key: &'static str) -> FieldPath {
        self.spec_path.join(key)
    }

    /// The pod-level `securityContext` object.
    pub fn security_context(&self) -> Option<&'a Object> {
        self.spec.get("securityContext").and_then(Value::as_object)
    }

    pub fn security_context_path(&self) -> FieldPath {
        self.spec_path.join("securityContext")
    }

    /// The pod template's annotations (the object's own for a Pod).
    pub fn annotations(&self) -> Option<&'a Object> {
        self.metadata?.get("annotations")?.as_object()
    }

    pub fn annotations_path(&self) -> FieldPath {
        self.metadata_path.join("annotations")
    }

    /// `spec.os.name` is `windows`.
    pub fn is_windows(&self) -> bool {
        walk_obj(self.spec, &["os", "name"]).and_then(Value::as_str) == Some("windows")
    }

    /// Entries of an array field of the pod spec, with their paths.
    pub fn list(&self, key: &'static str) -> impl Iterator<Item = (FieldPath, &'a Value)> + '_ {
        indexed(self.spec.get(key), self.spec_path.join(key))
    }

    /// The namespace the pod would run in, `default` when none is given.
    pub fn namespace(&self) -> Option<&str> {
        self.resource.id.namespace.as_deref()
    }
}

fn walk_obj<'v>(object: &'v Object, keys: &[&str]) -> Option<&'v Value> {
    let (first, rest) = keys.split_first()?;
    walk(object.get(*first)?, rest)
}
