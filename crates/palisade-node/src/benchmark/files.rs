//! The files recommendations are about, found the way the component finds
//! them: from its own flags first, else from the layout's defaults.

use super::settings as s;
use super::Files;
use crate::model::{ComponentKind, Node};
use crate::root::join;
use crate::settings::{effective, Setting};

/// A component's value for a path setting, if it has one.
fn path_setting(node: &Node, kind: ComponentKind, setting: Setting) -> Option<String> {
    let component = node.component(kind)?;
    effective(component, setting)
        .ok()?
        .value
        .filter(|v| !v.is_empty())
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

/// Every file under `dir` (recursively, bounded) whose name passes `keep`.
fn files_under(node: &Node, dir: &str, keep: fn(&str) -> bool) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut pending = vec![(dir.to_string(), 0usize)];
    while let Some((dir, depth)) = pending.pop() {
        for name in node.fs.list_dir(&dir).map_err(|e| e.to_string())? {
            let path = join(&dir, &name);
            match node.fs.stat(&path) {
                Ok(stat) if stat.is_dir && depth < 4 => pending.push((path, depth + 1)),
                Ok(stat) if stat.is_dir => {}
                _ if keep(&name) => out.push(path),
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

macro_rules! files {
    ($name:ident, $describe:literal, |$node:ident| $body:expr) => {
        files!($name, $describe, Some(false), |$node| $body);
    };
    ($name:ident, $describe:literal, $directory:expr, |$node:ident| $body:expr) => {
        pub const $name: Files = Files {
            describe: $describe,
            directory: $directory,
            paths: |$node: &Node| -> Result<Vec<String>, String> { $body },
        };
    };
}

files!(
    APISERVER_MANIFEST,
    "API server static pod manifest",
    |node| Ok(manifest(node, ComponentKind::ApiServer))
);
files!(
    CONTROLLER_MANAGER_MANIFEST,
    "controller manager static pod manifest",
    |node| Ok(manifest(node, ComponentKind::ControllerManager))
);
files!(
    SCHEDULER_MANIFEST,
    "scheduler static pod manifest",
    |node| Ok(manifest(node, ComponentKind::Scheduler))
);
files!(ETCD_MANIFEST, "etcd static pod manifest", |node| Ok(
    manifest(node, ComponentKind::Etcd)
));

files!(CNI_FILES, "CNI configuration files", None, |node| {
    let mut out = Vec::new();
    for dir in node.layout.cni_dirs {
        out.extend(files_under(node, dir, |_| true)?);
    }
    Ok(out)
});

// Only where etcd runs: a data directory left by a package that is not
// running is not this node's datastore.
files!(ETCD_DATA_DIR, "etcd data directory", Some(true), |node| {
    if node.component(ComponentKind::Etcd).is_none() {
        return Ok(Vec::new());
    }
    Ok(vec![path_setting(
        node,
        ComponentKind::Etcd,
        s::ETCD_DATA_DIR,
    )
    .unwrap_or_else(|| node.layout.etcd_data_dir.to_string())])
});

files!(ADMIN_KUBECONFIGS, "administrator kubeconfig", |node| Ok(
    node.layout
        .admin_kubeconfigs
        .iter()
        .map(|p| p.to_string())
        .collect()
));

files!(SCHEDULER_KUBECONFIG, "scheduler kubeconfig", |node| Ok(
    vec![path_setting(node, ComponentKind::Scheduler, s::KUBECONFIG)
        .unwrap_or_else(|| node.layout.scheduler_kubeconfig.to_string())]
));

files!(
    CONTROLLER_MANAGER_KUBECONFIG,
    "controller manager kubeconfig",
    |node| Ok(vec![path_setting(
        node,
        ComponentKind::ControllerManager,
        s::KUBECONFIG
    )
    .unwrap_or_else(|| node
        .layout
        .controller_manager_kubeconfig
        .to_string())])
);

files!(
    PKI_DIR_AND_FILES,
    "Kubernetes PKI directory",
    None,
    |node| {
        let dir = node.layout.pki_dir;
        if !node.fs.exists(dir) {
            return Ok(vec![dir.to_string()]);
        }
        let mut out = vec![dir.to_string()];
        out.extend(files_under(node, dir, |_| true)?);
        Ok(out)
    }
);

files!(PKI_CERTIFICATES, "PKI certificate files", |node| {
    files_under(node, node.layout.pki_dir, |name| name.ends_with(".crt"))
});

files!(PKI_KEYS, "PKI key files", |node| {
    files_under(node, node.layout.pki_dir, |name| name.ends_with(".key"))
});

// The systemd files that configure the kubelet: its drop-ins (kubeadm's
// `10-kubeadm.conf`), which is what the benchmark audits, or the unit
// itself where there is no drop-in.
files!(KUBELET_SERVICE, "kubelet service file", |node| {
    let mut dropins = Vec::new();
    for dir in node.layout.kubelet_dropin_dirs {
        dropins.extend(files_under(node, dir, |name| name.ends_with(".conf"))?);
    }
    if !dropins.is_empty() {
        return Ok(dropins);
    }
    Ok(node
        .layout
        .kubelet_units
        .iter()
        .map(|p| p.to_string())
        .collect())
});

files!(PROXY_KUBECONFIG, "kube-proxy kubeconfig", |node| Ok(vec![
    path_setting(node, ComponentKind::Proxy, s::PROXY_KUBECONFIG)
        .unwrap_or_else(|| node.layout.proxy_kubeconfig.to_string())
]));

files!(KUBELET_KUBECONFIG, "kubelet kubeconfig", |node| Ok(vec![
    path_setting(node, ComponentKind::Kubelet, s::KUBECONFIG)
        .unwrap_or_else(|| node.layout.kubelet_kubeconfig.to_string())
]));

files!(KUBELET_CLIENT_CA, "kubelet client CA file", |node| {
    Ok(
        path_setting(node, ComponentKind::Kubelet, s::KUBELET_CLIENT_CA_FILE)
            .into_iter()
            .collect(),
    )
});

files!(KUBELET_CONFIG, "kubelet configuration file", |node| Ok(
    vec![path_setting(node, ComponentKind::Kubelet, s::CONFIG)
        .unwrap_or_else(|| node.layout.kubelet_config.to_string())]
));
