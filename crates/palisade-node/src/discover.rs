//! Finding the node's components: running processes first (they show what
//! is in effect), then static pod manifests, then the kubelet's systemd
//! units, and the configuration files their `--config` flags name.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::accounts::Accounts;
use crate::args::{split_words, Flags};
use crate::layout::{self, Layout};
use crate::model::{Broken, Component, ComponentKind, ConfigFile, Node, Source};
use crate::root::{join, NodeFs};
use crate::yaml::parse_document;

/// A command line longer than this is not a Kubernetes component's.
const MAX_CMDLINE_BYTES: u64 = 1 << 20;

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
    let processes = processes(&proc_dir, &mut warnings);
    let layout = options
        .layout
        .unwrap_or_else(|| detect_layout(&fs, &processes));
    if processes.iter().any(Process::is_k3s) {
        warnings.push(
            "k3s runs here: its control plane and kubelet are embedded in the k3s process, with settings not visible on any command line; palisade does not audit k3s nodes yet, so their recommendations are not applicable".to_string(),
        );
    }

    let mut components: BTreeMap<ComponentKind, Component> = BTreeMap::new();
    let mut broken: BTreeMap<ComponentKind, Broken> = BTreeMap::new();
    for (kind, pid, args) in processes.into_iter().filter_map(|p| p.component()) {
        if let Some(first) = components.get(&kind) {
            warnings.push(format!(
                "{kind} runs more than once (processes {} and {pid}); judging the first",
                first.source
            ));
            continue;
        }
        components.insert(
            kind,
            Component {
                kind,
                source: Source::Process { pid },
                flags: Flags::parse(&args),
                manifest: None,
                config: None,
                image_version: None,
            },
        );
    }

    static_pods(&fs, layout, &mut components, &mut broken, &mut warnings);
    if let std::collections::btree_map::Entry::Vacant(slot) =
        components.entry(ComponentKind::Kubelet)
    {
        if let Some(kubelet) = kubelet_from_systemd(&fs, layout, &mut warnings) {
            slot.insert(kubelet);
        }
    }
    for component in components.values_mut() {
        component.config = read_config(&fs, component);
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

/// A process's pid and argument vector.
struct Process {
    pid: u32,
    argv: Vec<String>,
    /// For etcd, its `ETCD_*` environment as flags.
    env_flags: Vec<String>,
}

impl Process {
    fn is_k3s(&self) -> bool {
        self.argv
            .first()
            .and_then(|p| Path::new(p).file_name())
            .is_some_and(|n| n == "k3s")
    }

    /// The component this process is, with its arguments after the
    /// program name (`hyperkube kubelet ...` counts as the kubelet).
    fn component(self) -> Option<(ComponentKind, u32, Vec<String>)> {
        let program = self.argv.first()?;
        let name = Path::new(program).file_name()?.to_str()?;
        if let Some(kind) = ComponentKind::from_binary(name) {
            let mut args = self.env_flags.clone();
            args.extend(self.argv[1..].iter().cloned());
            return Some((kind, self.pid, args));
        }
        if name == "hyperkube" {
            let sub = self.argv.get(1)?;
            let kind = ComponentKind::from_binary(sub)
                .or_else(|| ComponentKind::from_binary(&format!("kube-{sub}")))?;
            return Some((kind, self.pid, self.argv[2..].to_vec()));
        }
        None
    }
}

/// Every process whose command line could be read. Processes that exit
/// while the table is read simply are not there; other failures are
/// warned about once.
fn processes(proc_dir: &Path, warnings: &mut Vec<String>) -> Vec<Process> {
    let Ok(entries) = fs::read_dir(proc_dir) else {
        return Vec::new();
    };
    let mut pids: Vec<u32> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    let mut unreadable = 0usize;
    let mut out = Vec::new();
    for pid in pids {
        let path = proc_dir.join(pid.to_string()).join("cmdline");
        let mut bytes = Vec::new();
        let read =
            fs::File::open(&path).and_then(|f| f.take(MAX_CMDLINE_BYTES).read_to_end(&mut bytes));
        match read {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) if e.raw_os_error() == Some(3) => continue, // ESRCH: exited
            Err(_) => {
                unreadable += 1;
                continue;
            }
        }
        let argv: Vec<String> = bytes
            .split(|b| *b == 0)
            .filter(|w| !w.is_empty())
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        if argv.is_empty() {
            continue;
        }
        let is_etcd = argv
            .first()
            .and_then(|p| Path::new(p).file_name())
            .is_some_and(|n| n == "etcd");
        let env_flags = if is_etcd {
            read_environ(&proc_dir.join(pid.to_string()).join("environ"))
        } else {
            Vec::new()
        };
        out.push(Process {
            pid,
            argv,
            env_flags,
        });
    }
    if unreadable > 0 {
        warnings.push(format!(
            "{unreadable} process command lines under {} could not be read",
            proc_dir.display()
        ));
    }
    out
}

/// A process's environment as etcd flags; unreadable is empty.
fn read_environ(path: &Path) -> Vec<String> {
    let mut bytes = Vec::new();
    if fs::File::open(path)
        .and_then(|f| f.take(MAX_CMDLINE_BYTES).read_to_end(&mut bytes))
        .is_err()
    {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    etcd_env_flags(text.split('\0').filter_map(|entry| entry.split_once('=')))
}

fn detect_layout(fs: &NodeFs, processes: &[Process]) -> &'static Layout {
    let rke2_process = processes.iter().any(|p| {
        p.argv
            .first()
            .is_some_and(|a| a.ends_with("/rke2") || a == "rke2")
    });
    if rke2_process || fs.exists("/var/lib/rancher/rke2") {
        &layout::RKE2
    } else {
        &layout::KUBEADM
    }
}

/// Reads the static pod manifests: each defines a component, or attaches
/// its file and image version to the running process of that component.
fn static_pods(
    fs: &NodeFs,
    layout: &Layout,
    components: &mut BTreeMap<ComponentKind, Component>,
    broken: &mut BTreeMap<ComponentKind, Broken>,
    warnings: &mut Vec<String>,
) {
    for dir in layout.manifest_dirs {
        let names = match fs.list_dir(dir) {
            Ok(names) => names,
            Err(error) => {
                warnings.push(format!("static pod manifests not read: {error}"));
                continue;
            }
        };
        for name in names {
            if !(name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json")) {
                continue;
            }
            let file = join(dir, &name);
            let parsed = fs
                .read_text(&file)
                .map_err(|e| e.to_string())
                .and_then(|text| parse_document(&file, &text));
            let pod = match parsed {
                Ok(pod) => pod,
                Err(reason) => {
                    // Name the component the file is evidently about, so its
                    // recommendations say why they could not be judged.
                    let stem = name.split('.').next().unwrap_or_default();
                    match ComponentKind::from_binary(stem) {
                        Some(kind) if !components.contains_key(&kind) => {
                            broken.insert(kind, Broken { kind, reason });
                        }
                        _ => warnings.push(format!("static pod manifest not read: {reason}")),
                    }
                    continue;
                }
            };
            for (kind, args, image) in pod_components(&pod) {
                match components.get_mut(&kind) {
                    Some(running) => {
                        running.manifest.get_or_insert_with(|| file.clone());
                        running.image_version = running.image_version.take().or(image);
                    }
                    None => {
                        components.insert(
                            kind,
                            Component {
                                kind,
                                source: Source::StaticPod { file: file.clone() },
                                flags: Flags::parse(&args),
                                manifest: Some(file.clone()),
                                config: None,
                                image_version: image,
                            },
                        );
                        broken.remove(&kind);
                    }
                }
            }
        }
    }
}

/// The components a pod's containers run: `(kind, arguments, version)`.
fn pod_components(pod: &Value) -> Vec<(ComponentKind, Vec<String>, Option<String>)> {
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    let containers = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for container in &containers {
        let mut words = strings(container.get("command"));
        words.extend(strings(container.get("args")));
        let Some(program) = words.first().cloned() else {
            continue;
        };
        let name = Path::new(&program)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some(kind) = ComponentKind::from_binary(name) else {
            continue;
        };
        let image = container
            .get("image")
            .and_then(Value::as_str)
            .and_then(image_version);
        let env = container
            .get("env")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| Some((e.get("name")?.as_str()?, e.get("value")?.as_str()?)));
        let mut args = if kind == ComponentKind::Etcd {
            etcd_env_flags(env)
        } else {
            Vec::new()
        };
        args.extend(words.into_iter().skip(1));
        out.push((kind, args, image));
    }
    out
}

/// etcd reads `ETCD_CERT_FILE` as `--cert-file`; a flag given on the
/// command line wins, so these go first.
fn etcd_env_flags<'a>(env: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    env.filter_map(|(name, value)| {
        let flag = name
            .strip_prefix("ETCD_")?
            .to_ascii_lowercase()
            .replace('_', "-");
        Some(format!("--{flag}={value}"))
    })
    .collect()
}

/// `registry.k8s.io/kube-apiserver:v1.30.2` → `v1.30.2`.
fn image_version(image: &str) -> Option<String> {
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

/// The kubelet as systemd would start it: the unit's last `ExecStart`
/// after drop-ins, with `Environment=` and `EnvironmentFile=` expanded.
fn kubelet_from_systemd(
    fs: &NodeFs,
    layout: &Layout,
    warnings: &mut Vec<String>,
) -> Option<Component> {
    let mut files: Vec<String> = layout
        .kubelet_units
        .iter()
        .filter(|f| fs.exists(f))
        .take(1)
        .map(|f| f.to_string())
        .collect();
    // Drop-ins apply in file-name order across directories.
    let mut dropins: Vec<(String, String)> = Vec::new();
    for dir in layout.kubelet_dropin_dirs {
        for name in fs.list_dir(dir).unwrap_or_default() {
            if name.ends_with(".conf") {
                dropins.retain(|(n, _)| *n != name);
                dropins.push((name.clone(), join(dir, &name)));
            }
        }
    }
    dropins.sort();
    files.extend(dropins.into_iter().map(|(_, path)| path));
    let mut unit = UnitState::default();
    for file in &files {
        match fs.read_text(file) {
            Ok(text) => unit.apply(fs, &text),
            Err(error) => warnings.push(format!("kubelet unit not read: {error}")),
        }
    }
    let words = split_words(&unit.expand(unit.exec_start.as_deref()?));
    let program = words.first()?;
    if Path::new(program).file_name()?.to_str()? != "kubelet" {
        return None;
    }
    Some(Component {
        kind: ComponentKind::Kubelet,
        source: Source::Systemd { files },
        flags: Flags::parse(&words[1..]),
        manifest: None,
        config: None,
        image_version: None,
    })
}

#[derive(Default)]
struct UnitState {
    env: BTreeMap<String, String>,
    exec_start: Option<String>,
}

impl UnitState {
    fn apply(&mut self, fs: &NodeFs, text: &str) {
        for line in logical_lines(text) {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "Environment" => {
                    for assignment in split_words(value) {
                        if let Some((k, v)) = assignment.split_once('=') {
                            self.env.insert(k.to_string(), v.to_string());
                        }
                    }
                }
                "EnvironmentFile" => {
                    let path = value.trim_start_matches('-');
                    if let Ok(text) = fs.read_text(path) {
                        self.apply_env_file(&text);
                    }
                }
                // An empty ExecStart= clears the list; the kubelet has one.
                "ExecStart" if value.is_empty() => self.exec_start = None,
                "ExecStart" => self.exec_start = Some(value.to_string()),
                _ => {}
            }
        }
    }

    fn apply_env_file(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') {
                continue;
            }
            if let Some((k, v)) = line.split_once('=') {
                let v = split_words(v).join(" ");
                self.env.insert(k.trim().to_string(), v);
            }
        }
    }

    /// Replaces `$NAME` and `${NAME}` with their values (empty if unset).
    fn expand(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let (name, tail) = if let Some(braced) = after.strip_prefix('{') {
                match braced.find('}') {
                    Some(end) => (&braced[..end], &braced[end + 1..]),
                    None => (braced, ""),
                }
            } else {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            if let Some(value) = self.env.get(name) {
                out.push_str(value);
            }
            rest = tail;
        }
        out.push_str(rest);
        out
    }
}

/// Unit file lines with backslash continuations joined and comments
/// dropped.
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if current.is_empty() && (trimmed.starts_with('#') || trimmed.starts_with(';')) {
            continue;
        }
        if let Some(body) = trimmed.strip_suffix('\\') {
            current.push_str(body);
            current.push(' ');
        } else {
            current.push_str(trimmed);
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The component's `--config` file and the kubelet's `--config-dir`
/// drop-ins.
fn read_config(fs: &NodeFs, component: &Component) -> Option<Result<ConfigFile, String>> {
    let flag = component.kind.config_flag()?;
    let path = component.flags.get(flag)?.to_string();
    let load = |path: &str| {
        fs.read_text(path)
            .map_err(|e| e.to_string())
            .and_then(|text| parse_document(path, &text))
    };
    let value = match load(&path) {
        Ok(value) => value,
        Err(reason) => return Some(Err(reason)),
    };
    let mut dropins = Vec::new();
    if component.kind == ComponentKind::Kubelet {
        if let Some(dir) = component.flags.get("config-dir") {
            for name in fs.list_dir(dir).unwrap_or_default() {
                if !name.ends_with(".conf") {
                    continue;
                }
                let file = join(dir, &name);
                match load(&file) {
                    Ok(patch) => dropins.push((file, patch)),
                    Err(reason) => return Some(Err(reason)),
                }
            }
        }
    }
    Some(Ok(ConfigFile {
        path,
        value,
        dropins,
    }))
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
    fn systemd_expansion_follows_kubeadm_drop_ins() {
        let dir = tempfile::tempdir().unwrap();
        let fs = NodeFs::new(dir.path());
        std::fs::create_dir_all(dir.path().join("var/lib/kubelet")).unwrap();
        std::fs::write(
            dir.path().join("var/lib/kubelet/kubeadm-flags.env"),
            "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/containerd/containerd.sock\"\n",
        )
        .unwrap();
        let mut unit = UnitState::default();
        unit.apply(
            &fs,
            "[Service]\nEnvironment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\n\
             EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nEnvironmentFile=-/etc/default/kubelet\n\
             ExecStart=/usr/bin/old\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS \\\n  ${KUBELET_KUBEADM_ARGS} $KUBELET_EXTRA_ARGS\n",
        );
        let words = split_words(&unit.expand(unit.exec_start.as_deref().unwrap()));
        assert_eq!(
            words,
            vec![
                "/usr/bin/kubelet",
                "--config=/var/lib/kubelet/config.yaml",
                "--container-runtime-endpoint=unix:///run/containerd/containerd.sock"
            ]
        );
    }
}
