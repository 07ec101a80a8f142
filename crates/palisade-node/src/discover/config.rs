//! The configuration file a component's flag names (`--config`, etcd's
//! `--config-file`, the API server's `--authorization-config`), read where
//! the component sees it, and the kubelet's `--config-dir` drop-ins.

use crate::model::{Component, ComponentKind, ConfigFile};
use crate::root::{join, NodeFs};
use crate::yaml::parse_document;

pub fn read(fs: &NodeFs, component: &Component) -> Option<Result<ConfigFile, String>> {
    let flag = component.kind.config_flag()?;
    let path = component.flags.get(flag)?.to_string();
    let load = |path: &str| {
        let located = component.locate(fs, path);
        located
            .fs
            .read_text(&located.path)
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
            let located = component.locate(fs, dir);
            let names = match located.fs.list_dir(&located.path) {
                Ok(names) => names,
                Err(error) => return Some(Err(format!("--config-dir: {error}"))),
            };
            // The kubelet applies `*.conf` drop-ins in name order.
            for name in names.into_iter().filter(|n| n.ends_with(".conf")) {
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
