//! Finding the node's components: running processes first (they show what
//! is in effect), then static pod manifests, then the kubelet's systemd
//! units, and the configuration files their flags name.

mod config;
mod processes;
mod static_pods;
mod systemd;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::accounts::Accounts;
use crate::layout::{self, Layout};
use crate::model::{Broken, Component, ComponentKind, Node, PathView, Source};
use crate::root::NodeFs;
use processes::Process;
use static_pods::StaticPod;

/// Where to look.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The node's root directory (`/` on the node itself).
    pub root: PathBuf,
    /// Its process table; default `ROOT/proc`.
    pub proc: Option<PathBuf>,
    /// Force a layout instead of detecting it.
    pub layout: Option<&'static Layout>,
}

pub fn discover(options: &Options) -> Node {
    let fs = NodeFs::new(&options.root);
    let accounts = Accounts::load(&fs);
    let proc_dir = options
        .proc
        .clone()
        .unwrap_or_else(|| options.root.join("proc"));
    let mut warnings = Vec::new();
    let processes = processes::read_table(&proc_dir, &mut warnings);
    let layout = options
        .layout
        .unwrap_or_else(|| detect_layout(&fs, &processes));
    if processes.iter().any(Process::is_k3s) {
        warnings.push(
            "k3s runs here: its control plane and kubelet are embedded in the k3s process, with settings not visible on any command line; palisade does not audit k3s nodes yet, so their recommendations are not applicable".to_string(),
        );
    }
    let (pods, unreadable) = static_pods::read(&fs, layout, &mut warnings);

    let mut components: BTreeMap<ComponentKind, Component> = BTreeMap::new();
    for kind in ComponentKind::ALL {
        let defined: Vec<&StaticPod> = pods.iter().filter(|p| p.kind == kind).collect();
        let pod = defined.first().copied();
        if defined.len() > 1 {
            let files: Vec<&str> = defined.iter().map(|p| p.file.as_str()).collect();
            warnings.push(format!(
                "{kind} is defined by more than one static pod manifest ({}); judging the first",
                files.join(", ")
            ));
        }
        if let Some(component) = running(&processes, kind, pod, &mut warnings) {
            components.insert(kind, component);
        } else if let Some(pod) = pod {
            components.insert(kind, from_static_pod(pod));
        }
    }
    let mut broken = BTreeMap::new();
    for manifest in unreadable {
        match manifest.kind {
            Some(kind) if !components.contains_key(&kind) => {
                broken.insert(
                    kind,
                    Broken {
                        kind,
                        reason: manifest.reason,
                    },
                );
            }
            _ => warnings.push(format!("static pod manifest not read: {}", manifest.reason)),
        }
    }
    if let std::collections::btree_map::Entry::Vacant(slot) =
        components.entry(ComponentKind::Kubelet)
    {
        if let Some((flags, files)) = systemd::kubelet(&fs, layout, &mut warnings) {
            slot.insert(Component {
                kind: ComponentKind::Kubelet,
                source: Source::Systemd { files },
                flags,
                manifest: None,
                config: None,
                image_version: None,
                view: PathView::Host,
            });
        }
    }
    for component in components.values_mut() {
        component.config = config::read(&fs, component);
    }
    Node {
        fs,
        accounts,
        layout,
        components,
        broken,
        warnings,
    }
}

/// The running process that is the component. Several candidates (a
/// user's own `etcd`, a test API server) are ranked: the one whose flags
/// are its static pod's, then one owned by root, then the oldest.
fn running(
    processes: &[Process],
    kind: ComponentKind,
    pod: Option<&StaticPod>,
    warnings: &mut Vec<String>,
) -> Option<Component> {
    let mut candidates: Vec<(&Process, crate::args::Flags)> = processes
        .iter()
        .filter(|p| p.is(kind))
        .filter_map(|p| p.component().map(|(_, flags)| (p, flags)))
        .collect();
    candidates.sort_by_cached_key(|(p, flags)| {
        let matches_pod = pod.is_some_and(|pod| pod.flags == *flags);
        (!matches_pod, p.uid() != 0, p.pid)
    });
    let mut candidates = candidates.into_iter();
    let (process, flags) = candidates.next()?;
    let others: Vec<String> = candidates.map(|(p, _)| p.pid.to_string()).collect();
    if !others.is_empty() {
        warnings.push(format!(
            "{kind} runs more than once; judging process {} (also {})",
            process.pid,
            others.join(", ")
        ));
    }
    let view = match (process.root(), pod) {
        (Some(root), _) => PathView::Process(root),
        (None, Some(pod)) => PathView::PodMounts(pod.mounts.clone()),
        (None, None) => PathView::Host,
    };
    Some(Component {
        kind,
        source: Source::Process { pid: process.pid },
        flags,
        manifest: pod.map(|p| p.file.clone()),
        config: None,
        image_version: pod.and_then(|p| p.image_version.clone()),
        view,
    })
}

fn from_static_pod(pod: &StaticPod) -> Component {
    Component {
        kind: pod.kind,
        source: Source::StaticPod {
            file: pod.file.clone(),
        },
        flags: pod.flags.clone(),
        manifest: Some(pod.file.clone()),
        config: None,
        image_version: pod.image_version.clone(),
        view: PathView::PodMounts(pod.mounts.clone()),
    }
}

fn detect_layout(fs: &NodeFs, processes: &[Process]) -> &'static Layout {
    if processes.iter().any(Process::is_rke2) || fs.exists("/var/lib/rancher/rke2") {
        &layout::RKE2
    } else {
        &layout::KUBEADM
    }
}
