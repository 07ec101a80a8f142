//! The kubelet as systemd would start it when it is not running: the
//! unit's last `ExecStart` after drop-ins, with `Environment=` and
//! `EnvironmentFile=` expanded.

use std::collections::BTreeMap;
use std::path::Path;

use crate::args::{split_words, Flags};
use crate::layout::Layout;
use crate::root::{join, NodeFs};

/// Returns the kubelet's flags and the unit files they came from.
pub fn kubelet(
    fs: &NodeFs,
    layout: &Layout,
    warnings: &mut Vec<String>,
) -> Option<(Flags, Vec<String>)> {
    let mut files: Vec<String> = layout
        .kubelet_units
        .iter()
        .filter(|f| fs.exists(f))
        .take(1)
        .map(|f| f.to_string())
        .collect();
    // Drop-ins apply in file-name order across directories; a name in a
    // later directory replaces the same name in an earlier one.
    let mut dropins: Vec<(String, String)> = Vec::new();
    for dir in layout.kubelet_dropin_dirs {
        let names = match fs.list_dir(dir) {
            Ok(names) => names,
            Err(error) => {
                warnings.push(format!("kubelet drop-ins not read: {error}"));
                continue;
            }
        };
        for name in names.into_iter().filter(|n| n.ends_with(".conf")) {
            dropins.retain(|(n, _)| *n != name);
            let path = join(dir, &name);
            dropins.push((name, path));
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
    Some((Flags::parse(&words[1..]), files))
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

#[cfg(test)]
mod tests {
    use super::*;

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
