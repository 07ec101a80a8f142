//! The files recommendations are about, found the way the component finds
//! them: from its own flags first, else from the layout's defaults.

use super::settings as s;
use super::Files;
use crate::model::{ComponentKind, Node};
use crate::root::join;
use crate::settings::{effective, Setting};

/// A component's value for a path setting, on the host (a static pod's
/// mounts translated): `Ok(None)` when the component is absent or the
/// setting unset, an error when its configuration could not be read.
fn path_setting(
    node: &Node,
    kind: ComponentKind,
    setting: Setting,
) -> Result<Option<String>, String> {
    let Some(component) = node.component(kind) else {
        return Ok(None);
    };
    let value = effective(component, setting).map_err(|e| e.to_string())?;
    Ok(value
        .value
        .filter(|v| !v.is_empty())
        .map(|v| component.host_path(&v)))
}

fn manifest(node: &Node, kind: ComponentKind) -> Vec<String> {
    if let Some(file) = node.component(kind).and_then(|c| c.manifest.clone()) {
        return vec![file];
    }
    node.layout
        .manifest_dirs
        .iter()
        .map(|dir| join(dir, &format!("{}.yaml", kind.binary())))
        .collect()
}

/// Entries a directory walk may meet before it gives up: a PKI or CNI
/// directory holds tens.
const MAX_ENTRIES: usize = 10_000;

/// Every file under `dir` whose name passes `keep`, walking at most four
/// levels down. Symbolic links are listed, never walked into (as `find`
/// does), so links back to a parent cannot make the walk endless.
fn files_under(node: &Node, dir: &str, keep: fn(&str) -> bool) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut pending = vec![(dir.to_string(), 0usize)];
    let mut seen = 0usize;
    while let Some((dir, depth)) = pending.pop() {
        for name in node.fs.list_dir(&dir).map_err(|e| e.to_string())? {
            seen += 1;
            if seen > MAX_ENTRIES {
                return Err(format!(
                    "{dir}: more than {MAX_ENTRIES} entries below it; not walked further"
                ));
            }
            let path = join(&dir, &name);
            let walkable = !node.fs.is_symlink(&path);
            match node.fs.stat(&path) {
                Ok(stat) if stat.is_dir && walkable && depth < 4 => pending.push((path, depth + 1)),
                Ok(stat) if stat.is_dir => {}
                _ if keep(&name) => out.push(path),
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

type Paths = fn(&Node) -> Result<Vec<String>, String>;

/// Files anywhere (section 4).
const fn node_files(describe: &'static str, paths: Paths) -> Files {
    Files {
        describe,
        directory: Some(false),
        control_plane: false,
        paths,
    }
}

/// The control plane's own files (section 1.1).
const fn control_plane(describe: &'static str, directory: Option<bool>, paths: Paths) -> Files {
    Files {
        describe,
        directory,
        control_plane: true,
        paths,
    }
}

/// A path from a component's setting, else the layout's default.
fn setting_or(
    node: &Node,
    kind: ComponentKind,
    setting: Setting,
    default: &str,
) -> Result<Vec<String>, String> {
    Ok(vec![
        path_setting(node, kind, setting)?.unwrap_or_else(|| default.to_string())
    ])
}

fn listed(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

pub const APISERVER_MANIFEST: Files =
    control_plane("API server static pod manifest", Some(false), |node| {
        Ok(manifest(node, ComponentKind::ApiServer))
    });
pub const CONTROLLER_MANAGER_MANIFEST: Files = control_plane(
    "controller manager static pod manifest",
    Some(false),
    |node| Ok(manifest(node, ComponentKind::ControllerManager)),
);
pub const SCHEDULER_MANIFEST: Files =
    control_plane("scheduler static pod manifest", Some(false), |node| {
        Ok(manifest(node, ComponentKind::Scheduler))
    });
pub const ETCD_MANIFEST: Files = control_plane("etcd static pod manifest", Some(false), |node| {
    Ok(manifest(node, ComponentKind::Etcd))
});

pub const CNI_FILES: Files = control_plane("CNI configuration files", None, |node| {
    let mut out = Vec::new();
    for dir in node.layout.cni_dirs {
        out.extend(files_under(node, dir, |_| true)?);
    }
    Ok(out)
});

/// Only where etcd runs: a data directory left by a package that is not
/// running is not this node's datastore.
pub const ETCD_DATA_DIR: Files = control_plane("etcd data directory", Some(true), |node| {
    if node.component(ComponentKind::Etcd).is_none() {
        return Ok(Vec::new());
    }
    setting_or(
        node,
        ComponentKind::Etcd,
        s::ETCD_DATA_DIR,
        node.layout.etcd_data_dir,
    )
});

pub const ADMIN_KUBECONFIGS: Files =
    control_plane("administrator kubeconfig", Some(false), |node| {
        Ok(listed(node.layout.admin_kubeconfigs))
    });

pub const SCHEDULER_KUBECONFIG: Files =
    control_plane("scheduler kubeconfig", Some(false), |node| {
        setting_or(
            node,
            ComponentKind::Scheduler,
            s::SCHEDULER_KUBECONFIG,
            node.layout.scheduler_kubeconfig,
        )
    });

pub const CONTROLLER_MANAGER_KUBECONFIG: Files =
    control_plane("controller manager kubeconfig", Some(false), |node| {
        setting_or(
            node,
            ComponentKind::ControllerManager,
            s::KUBECONFIG,
            node.layout.controller_manager_kubeconfig,
        )
    });

pub const PKI_DIR_AND_FILES: Files = control_plane("Kubernetes PKI directory", None, |node| {
    let dir = node.layout.pki_dir;
    let mut out = vec![dir.to_string()];
    if node.fs.exists(dir) {
        out.extend(files_under(node, dir, |_| true)?);
    }
    Ok(out)
});

pub const PKI_CERTIFICATES: Files = control_plane("PKI certificate files", Some(false), |node| {
    files_under(node, node.layout.pki_dir, |name| name.ends_with(".crt"))
});

pub const PKI_KEYS: Files = control_plane("PKI key files", Some(false), |node| {
    files_under(node, node.layout.pki_dir, |name| name.ends_with(".key"))
});

/// The systemd files that configure the kubelet: its drop-ins (kubeadm's
/// `10-kubeadm.conf`), which is what the benchmark audits, or the unit
/// itself where there is no drop-in.
pub const KUBELET_SERVICE: Files = node_files("kubelet service file", |node| {
    let mut dropins = Vec::new();
    for dir in node.layout.kubelet_dropin_dirs {
        dropins.extend(files_under(node, dir, |name| name.ends_with(".conf"))?);
    }
    if !dropins.is_empty() {
        return Ok(dropins);
    }
    Ok(listed(node.layout.kubelet_units))
});

pub const PROXY_KUBECONFIG: Files = node_files("kube-proxy kubeconfig", |node| {
    setting_or(
        node,
        ComponentKind::Proxy,
        s::PROXY_KUBECONFIG,
        node.layout.proxy_kubeconfig,
    )
});

pub const KUBELET_KUBECONFIG: Files = node_files("kubelet kubeconfig", |node| {
    setting_or(
        node,
        ComponentKind::Kubelet,
        s::KUBECONFIG,
        node.layout.kubelet_kubeconfig,
    )
});

pub const KUBELET_CLIENT_CA: Files = node_files("kubelet client CA file", |node| {
    Ok(
        path_setting(node, ComponentKind::Kubelet, s::KUBELET_CLIENT_CA_FILE)?
            .into_iter()
            .collect(),
    )
});

pub const KUBELET_CONFIG: Files = node_files("kubelet configuration file", |node| {
    setting_or(
        node,
        ComponentKind::Kubelet,
        s::CONFIG,
        node.layout.kubelet_config,
    )
});
