//! What discovery learns about a node: which components it runs, with
//! which flags and configuration files, and where that was read.

use std::collections::BTreeMap;
use std::fmt;

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
            _ => None,
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
