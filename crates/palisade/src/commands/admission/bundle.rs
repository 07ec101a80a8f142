//! The configuration a deployed webhook runs with: the configuration file
//! and the policies and framework files it names, shipped as one ConfigMap
//! mounted with the same layout, so that the file's relative paths hold in
//! the pod exactly as they do on the machine that printed the manifests.

use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::catalogue::Catalogue;
use crate::config::Config;

/// Where the ConfigMap is mounted in the webhook's pod.
pub const MOUNT: &str = "/etc/palisade";

/// A ConfigMap holds at most 1 MiB; the rest of the object needs a little.
const MAX_BYTES: usize = 1000 * 1024;

/// One file of the bundle: its ConfigMap key, its path under [`MOUNT`] and
/// its text.
pub struct BundledFile {
    pub key: String,
    pub path: String,
    pub text: String,
}

pub struct Bundle {
    /// The configuration file's path under [`MOUNT`].
    pub config: String,
    pub files: Vec<BundledFile>,
}

impl Bundle {
    /// A digest of the contents, for a pod annotation: the server reads
    /// its configuration once, so a changed bundle must roll the pods.
    pub fn digest(&self) -> String {
        // FNV-1a: stable across builds and platforms, unlike std's hasher.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for file in &self.files {
            for byte in file
                .path
                .bytes()
                .chain([0])
                .chain(file.text.bytes())
                .chain([0])
            {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}

/// Gathers the configuration and what it names; `catalogue` holds its
/// policies, loaded (and the file checked) as the server will.
pub fn bundle(config: &Config, catalogue: &Catalogue) -> Result<Bundle> {
    let base = config.path().parent().unwrap_or(Path::new("."));
    let mut sources = vec![config.path().to_path_buf()];
    for policy in &catalogue.policies.policies {
        sources.extend(policy.sources.iter().cloned());
    }
    sources.extend(config.framework_files());

    let mut files: Vec<BundledFile> = Vec::new();
    let mut total = 0;
    for source in sources {
        let path = relative_to(&source, base)?;
        if files.iter().any(|f| f.path == path) {
            continue;
        }
        let text = std::fs::read_to_string(&source)
            .with_context(|| format!("cannot read {} as text", source.display()))?;
        total += text.len();
        if total > MAX_BYTES {
            bail!(
                "the configuration and the files it names exceed what a ConfigMap holds (1 MiB), at {}",
                source.display()
            );
        }
        let key = unique_key(&path, &files);
        files.push(BundledFile { key, path, text });
    }
    Ok(Bundle {
        config: files[0].path.clone(),
        files,
    })
}

/// `path` relative to `base`, without `.` or `..`: the pod gets only what
/// lies beside the configuration file or below it.
fn relative_to(path: &Path, base: &Path) -> Result<String> {
    let outside = || {
        anyhow::anyhow!(
            "{}: outside the configuration file's directory; a deployed webhook gets only the files beside palisade.yaml or below it",
            path.display()
        )
    };
    let normal = |p: &Path| -> Option<PathBuf> {
        let mut out = PathBuf::new();
        for component in p.components() {
            match component {
                Component::CurDir => {}
                Component::ParentDir => {
                    if !out.pop() {
                        return None;
                    }
                }
                other => out.push(other),
            }
        }
        Some(out)
    };
    let (path_n, base_n) = (
        normal(path).ok_or_else(outside)?,
        normal(base).ok_or_else(outside)?,
    );
    let relative = path_n.strip_prefix(&base_n).map_err(|_| outside())?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        return Err(outside());
    }
    Ok(parts.join("/"))
}

/// A ConfigMap key (`[-._a-zA-Z0-9]+`) naming the file, unique in the map.
fn unique_key(path: &str, taken: &[BundledFile]) -> String {
    let key: String = path
        .chars()
        .map(|c| match c {
            '/' => '.',
            c if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' => c,
            _ => '-',
        })
        .collect();
    let mut candidate = key.clone();
    let mut n = 2;
    while taken.iter().any(|f| f.key == candidate) {
        candidate = format!("{key}-{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_configuration_directory() {
        let base = Path::new("/repo/k8s");
        assert_eq!(
            relative_to(Path::new("/repo/k8s/./policies/a/policy.yaml"), base).unwrap(),
            "policies/a/policy.yaml"
        );
        assert_eq!(
            relative_to(Path::new("/repo/k8s/x/../palisade.yaml"), base).unwrap(),
            "palisade.yaml"
        );
        assert!(relative_to(Path::new("/repo/k8s/../shared/p.yaml"), base).is_err());
        assert!(relative_to(Path::new("/elsewhere/p.yaml"), base).is_err());
        assert!(relative_to(Path::new("relative.yaml"), Path::new("")).is_ok());
    }

    #[test]
    fn keys_are_valid_and_unique() {
        let first = BundledFile {
            key: unique_key("a/b c.yaml", &[]),
            path: "a/b c.yaml".into(),
            text: String::new(),
        };
        assert_eq!(first.key, "a.b-c.yaml");
        assert_eq!(unique_key("a.b c.yaml", &[first]), "a.b-c.yaml-2");
    }
}
