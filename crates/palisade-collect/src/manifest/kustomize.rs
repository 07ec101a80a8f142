//! Rendering Kustomize directories with the user's own tool.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The file names that make a directory a Kustomization.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

pub fn is_kustomization_dir(dir: &Path) -> bool {
    KUSTOMIZATION_FILES.iter().any(|f| dir.join(f).is_file())
}

#[derive(Debug, thiserror::Error)]
pub enum KustomizeError {
    #[error("is a Kustomize directory, but neither `kustomize` nor `kubectl` is on PATH to render it; install one, or render it yourself and pipe it in (`kustomize build DIR | palisade scan -`)")]
    NoTool,
    #[error("`{tool}` failed to render it: {stderr}")]
    Failed { tool: String, stderr: String },
    #[error("cannot run `{tool}`: {source}")]
    Spawn {
        tool: String,
        source: std::io::Error,
    },
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Runs `kustomize build DIR`, or `kubectl kustomize DIR` when only kubectl
/// is installed, and returns the rendered YAML.
pub fn render(dir: &Path) -> Result<Vec<u8>, KustomizeError> {
    let (program, args): (PathBuf, [&OsStr; 2]) = if let Some(p) = find_on_path("kustomize") {
        (p, [OsStr::new("build"), dir.as_os_str()])
    } else if let Some(p) = find_on_path("kubectl") {
        (p, [OsStr::new("kustomize"), dir.as_os_str()])
    } else {
        return Err(KustomizeError::NoTool);
    };
    let tool = program
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let output = Command::new(&program)
        .args(args)
        .output()
        .map_err(|source| KustomizeError::Spawn {
            tool: tool.clone(),
            source,
        })?;
    if !output.status.success() {
        return Err(KustomizeError::Failed {
            tool,
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    Ok(output.stdout)
}
