//! What discovery learns about a node: which components it runs, with
//! which flags and configuration files, and where that was read.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde_json::Value;

use crate::accounts::Accounts;
use crate::args::Flags;
use crate::layout::Layout;
use crate::root::NodeFs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentKind {
    ApiServer,
    ControllerManager,
    Scheduler,
    Etcd,
    Kubelet,
    Proxy,
}

impl ComponentKind {
    pub const ALL: [ComponentKind; 6] = [
        ComponentKind::ApiServer,
        ComponentKind::ControllerManager,
        ComponentKind::Scheduler,
        ComponentKind::Etcd,
        ComponentKind::Kubelet,
        ComponentKind::Proxy,
    ];

    /// The program name, as in a process list.
    pub fn binary(self) -> &'static str {
        match self {
            ComponentKind::ApiServer => "kube-apiserver",
            ComponentKind::ControllerManager => "kube-controller-manager",
            ComponentKind::Scheduler => "kube-scheduler",
            ComponentKind::Etcd => "etcd",
            ComponentKind::Kubelet => "kubelet",
            ComponentKind::Proxy => "kube-proxy",
        }
    }

    pub fn from_binary(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.binary() == name)
    }

    /// The flag naming the component's configuration file, for those that
    /// have one.
    pub fn config_flag(self) -> Option<&'static str> {
        match self {
            ComponentKind::Kubelet | ComponentKind::Scheduler | ComponentKind::Proxy => {
                Some("config")
            }
            ComponentKind::Etcd => Some("config-file"),
            // The structured authorization configuration (1.29+), which
            // replaces --authorization-mode.
            ComponentKind::ApiServer => Some("authorization-config"),
            ComponentKind::ControllerManager => None,
        }
    }

    /// Whether a configuration file replaces the command line entirely
    /// instead of being overridden by it: etcd ignores its flags and
    /// environment when given `--config-file`.
    pub fn config_replaces_flags(self) -> bool {
        self == ComponentKind::Etcd
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.binary())
    }
}

/// Where a component's command line was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A running process: the truth about what is in effect.
    Process { pid: u32 },
    /// A static pod manifest (no matching process was seen).
    StaticPod { file: String },
    /// systemd units and drop-ins (the kubelet, not running).
    Systemd { files: Vec<String> },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Process { pid } => write!(f, "process {pid}"),
            Source::StaticPod { file } => write!(f, "static pod {file}"),
            Source::Systemd { files } => write!(f, "systemd {}", files.join(", ")),
        }
    }
}

/// How a component sees the filesystem: the paths in its flags are its
/// own, which for a containerised component are not the host's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathView {
    /// The host's (a process on the host, a unit, or no better knowledge).
    Host,
    /// A running process's own root, `/proc/<pid>/root` (live tables only).
    Process(PathBuf),
    /// A static pod's `hostPath` mounts: `(mount path, host path)`.
    PodMounts(Vec<(String, String)>),
}

/// A file as a component names it, and where to read it.
#[derive(Debug, Clone)]
pub struct Located {
    pub fs: NodeFs,
    pub path: String,
}

/// A component's configuration file (`--config`), parsed.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: String,
    pub value: Value,
    /// The kubelet's `--config-dir` drop-ins, in the order applied (each
    /// overrides the file and the drop-ins before it, key by key).
    pub dropins: Vec<(String, Value)>,
}

/// One component found on the node.
#[derive(Debug, Clone)]
pub struct Component {
    pub kind: ComponentKind,
    pub source: Source,
    pub flags: Flags,
    /// The static pod manifest that defines it, when there is one (also
    /// when the flags came from the running process).
    pub manifest: Option<String>,
    /// The `--config` file: absent, read, or unusable (and why).
    pub config: Option<Result<ConfigFile, String>>,
    /// The version from the static pod's image tag (`v1.30.2`).
    pub image_version: Option<String>,
    pub view: PathView,
}

impl Component {
    /// The host path of a path the component names, for a static pod
    /// whose mounts say where it lives; otherwise the path itself.
    pub fn host_path(&self, path: &str) -> String {
        let PathView::PodMounts(mounts) = &self.view else {
            return path.to_string();
        };
        let inside = |mount: &str| {
            let mount = mount.trim_end_matches('/');
            path == mount
                || path
                    .strip_prefix(mount)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        let best = mounts
            .iter()
            .filter(|(mount, _)| inside(mount))
            .max_by_key(|(mount, _)| mount.len());
        match best {
            Some((mount, host)) => {
                let rest = &path[mount.trim_end_matches('/').len()..];
                format!("{}{rest}", host.trim_end_matches('/'))
            }
            None => path.to_string(),
        }
    }

    /// Where to read a file the component names: inside the process's own
    /// root when it can be seen there, else on the node (through the pod's
    /// mounts).
    pub fn locate(&self, node: &NodeFs, path: &str) -> Located {
        if let PathView::Process(root) = &self.view {
            let own = NodeFs::new(root);
            if own.exists(path) {
                return Located {
                    fs: own,
                    path: path.to_string(),
                };
            }
        }
        Located {
            fs: node.clone(),
            path: self.host_path(path),
        }
    }
}

/// A component whose definition was found but could not be read: every
/// recommendation about it is an ERROR with this reason.
#[derive(Debug, Clone)]
pub struct Broken {
    pub kind: ComponentKind,
    pub reason: String,
}

/// Everything known about the node.
#[derive(Debug)]
pub struct Node {
    pub fs: NodeFs,
    pub accounts: Accounts,
    pub layout: &'static Layout,
    pub components: BTreeMap<ComponentKind, Component>,
    pub broken: BTreeMap<ComponentKind, Broken>,
    /// Oddities worth telling that do not decide any recommendation.
    pub warnings: Vec<String>,
}

impl Node {
    pub fn component(&self, kind: ComponentKind) -> Option<&Component> {
        self.components.get(&kind)
    }

    /// Whether the node runs (or defines) any control-plane component.
    pub fn is_control_plane(&self) -> bool {
        [
            ComponentKind::ApiServer,
            ComponentKind::ControllerManager,
            ComponentKind::Scheduler,
        ]
        .iter()
        .any(|k| self.components.contains_key(k) || self.broken.contains_key(k))
    }

    /// The Kubernetes version, from the control-plane images.
    pub fn kubernetes_version(&self) -> Option<&str> {
        [
            ComponentKind::ApiServer,
            ComponentKind::ControllerManager,
            ComponentKind::Scheduler,
            ComponentKind::Proxy,
        ]
        .iter()
        .filter_map(|k| self.components.get(k))
        .find_map(|c| c.image_version.as_deref())
    }
}
