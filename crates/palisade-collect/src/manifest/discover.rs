//! Turning command-line paths into inputs: files as given, directories
//! walked recursively for `.yaml`, `.yml` and `.json` files, skipping hidden
//! and git-ignored entries the way ripgrep does, and Kustomize directories
//! rendered whole.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use palisade_core::InputError;

use super::kustomize::is_kustomization_dir;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
    Kustomize(PathBuf),
}

fn is_manifest(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["yaml", "yml", "json"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// The inputs named by `paths` (`-` is standard input), in a stable order,
/// and errors for paths that cannot be read. With `kustomize` false,
/// Kustomize directories are walked like any other directory.
pub fn discover(paths: &[PathBuf], kustomize: bool) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => errors.push(InputError::new(
                path.display().to_string(),
                None,
                format!("cannot read: {e}"),
            )),
            Ok(m) if m.is_dir() => walk_dir(path, kustomize, &mut inputs, &mut errors),
            // Named explicitly, anything else is read whatever its name:
            // regular files, pipes, `<(helm template ...)`, /dev/stdin.
            Ok(_) => inputs.push(Input::File(path.clone())),
        }
    }
    (dedup(inputs), errors)
}

/// Each input once: the same file named twice (or through `./`, or found
/// again by a directory walk) and `-` given twice are read once.
fn dedup(inputs: Vec<Input>) -> Vec<Input> {
    let mut seen = std::collections::HashSet::new();
    inputs
        .into_iter()
        .filter(|input| {
            let key = match input {
                Input::Stdin => PathBuf::from("-"),
                Input::File(p) | Input::Kustomize(p) => {
                    std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())
                }
            };
            seen.insert(key)
        })
        .collect()
}

fn walk_dir(root: &Path, kustomize: bool, inputs: &mut Vec<Input>, errors: &mut Vec<InputError>) {
    if kustomize && is_kustomization_dir(root) {
        inputs.push(Input::Kustomize(root.to_path_buf()));
        return;
    }
    let mut found = Vec::new();
    let mut walker = WalkBuilder::new(root);
    walker.sort_by_file_path(|a, b| a.cmp(b));
    let mut kustomize_dirs = Vec::new();
    for entry in walker.build() {
        match entry {
            Err(e) => errors.push(InputError::new(
                root.display().to_string(),
                None,
                format!("cannot walk: {e}"),
            )),
            Ok(entry) => {
                let path = entry.path();
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                // The walk is sorted, so a Kustomize directory is seen
                // before its contents, which it renders itself.
                if kustomize_dirs.iter().any(|d: &PathBuf| path.starts_with(d)) {
                    continue;
                }
                // Like ripgrep, symbolic links inside a walked directory are
                // not followed (dangling ones would otherwise be errors).
                if entry.path_is_symlink() {
                    continue;
                }
                if kustomize && is_dir && entry.depth() > 0 && is_kustomization_dir(path) {
                    kustomize_dirs.push(path.to_path_buf());
                } else if !is_dir && is_manifest(path) {
                    found.push(Input::File(path.to_path_buf()));
                }
            }
        }
    }
    inputs.extend(found);
    inputs.extend(kustomize_dirs.into_iter().map(Input::Kustomize));
}
