//! The node's filesystem seen from `--root`: paths resolve as they would
//! inside the node (absolute symlinks point back under the root, `..` never
//! climbs out of it), reads are bounded, and every failure says which path
//! and why.

use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

/// Symlinks followed while resolving one path before giving up, as Linux
/// does (`ELOOP` after 40).
const MAX_SYMLINKS: usize = 40;

/// Configuration files larger than this are not read: no kubelet config,
/// manifest or policy comes close, and a hostile file must not exhaust
/// memory.
pub const MAX_CONFIG_BYTES: u64 = 4 << 20;

/// Why a file on the node could not be used. The path is the node's own
/// (as written in a flag), not the host path under `--root`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FsError {
    #[error("{path}: not found")]
    NotFound { path: String },
    #[error("{path}: permission denied")]
    PermissionDenied { path: String },
    #[error("{path}: too many levels of symbolic links")]
    SymlinkLoop { path: String },
    #[error("{path}: {size} bytes, over the {limit}-byte limit for a configuration file")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: not valid UTF-8 text")]
    NotText { path: String },
    #[error("{path}: is a directory")]
    IsDirectory { path: String },
    #[error("{path}: not a regular file (a device, socket or FIFO)")]
    NotRegular { path: String },
    #[error("{path}: {message}")]
    Other { path: String, message: String },
}

impl FsError {
    fn from_io(path: &str, error: &io::Error) -> Self {
        let path = path.to_string();
        match error.kind() {
            io::ErrorKind::NotFound => FsError::NotFound { path },
            io::ErrorKind::PermissionDenied => FsError::PermissionDenied { path },
            _ if error.raw_os_error() == Some(40) => FsError::SymlinkLoop { path },
            io::ErrorKind::IsADirectory => FsError::IsDirectory { path },
            _ => FsError::Other {
                path,
                message: error.to_string(),
            },
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, FsError::NotFound { .. })
    }
}

/// Mode and ownership of a file, as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    /// Permission bits only (`0o644`).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub is_dir: bool,
    /// A regular file (not a directory, device, socket or FIFO).
    pub is_file: bool,
}

/// The node's filesystem, rooted at `root` (`/` on a live node).
#[derive(Debug, Clone)]
pub struct NodeFs {
    root: PathBuf,
}

impl NodeFs {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        NodeFs { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The host path of the node path `path`, with every symlink resolved
    /// inside the root.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, FsError> {
        let mut pending: Vec<String> = components(path);
        pending.reverse();
        let mut resolved: Vec<String> = Vec::new();
        let mut hops = 0usize;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "." => continue,
                ".." => {
                    resolved.pop();
                    continue;
                }
                _ => {}
            }
            let candidate = self.host_path(&resolved).join(&part);
            match fs::symlink_metadata(&candidate) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    hops += 1;
                    if hops > MAX_SYMLINKS {
                        return Err(FsError::SymlinkLoop {
                            path: path.to_string(),
                        });
                    }
                    let target =
                        fs::read_link(&candidate).map_err(|e| FsError::from_io(path, &e))?;
                    let target = target.to_string_lossy();
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    let mut rest = components(&target);
                    rest.reverse();
                    pending.extend(rest);
                }
                Ok(_) => resolved.push(part),
                // A missing component: the rest cannot exist either, but
                // the caller's read or stat says so with the right error.
                Err(_) => {
                    resolved.push(part);
                    while let Some(p) = pending.pop() {
                        resolved.push(p);
                    }
                }
            }
        }
        Ok(self.host_path(&resolved))
    }

    fn host_path(&self, parts: &[String]) -> PathBuf {
        let mut out = self.root.clone();
        out.extend(parts);
        out
    }

    /// Mode and owner of the file at `path`, following symlinks as the
    /// node would.
    pub fn stat(&self, path: &str) -> Result<FileStat, FsError> {
        let host = self.resolve(path)?;
        let meta = fs::metadata(&host).map_err(|e| FsError::from_io(path, &e))?;
        Ok(FileStat {
            mode: meta.mode() & 0o7777,
            uid: meta.uid(),
            gid: meta.gid(),
            is_dir: meta.is_dir(),
            is_file: meta.is_file(),
        })
    }

    /// Whether `path` itself (its last component) is a symbolic link.
    pub fn is_symlink(&self, path: &str) -> bool {
        let node_path = Path::new(path);
        let (Some(parent), Some(name)) = (node_path.parent(), node_path.file_name()) else {
            return false;
        };
        self.resolve(&parent.to_string_lossy())
            .ok()
            .and_then(|dir| fs::symlink_metadata(dir.join(name)).ok())
            .is_some_and(|m| m.file_type().is_symlink())
    }

    pub fn exists(&self, path: &str) -> bool {
        self.stat(path).is_ok()
    }

    /// The text of a configuration file, refusing anything over
    /// [`MAX_CONFIG_BYTES`].
    pub fn read_text(&self, path: &str) -> Result<String, FsError> {
        self.read_text_limited(path, MAX_CONFIG_BYTES)
    }

    pub fn read_text_limited(&self, path: &str, limit: u64) -> Result<String, FsError> {
        let bytes = self.read_limited(path, limit)?;
        String::from_utf8(bytes).map_err(|_| FsError::NotText {
            path: path.to_string(),
        })
    }

    /// Reads at most `limit` bytes; a longer file is an error rather than
    /// silently truncated. Files whose size the kernel does not report
    /// (`/proc`) are read through the same bound.
    pub fn read_limited(&self, path: &str, limit: u64) -> Result<Vec<u8>, FsError> {
        let host = self.resolve(path)?;
        // Checked before opening: opening a FIFO blocks, opening a device
        // can act on it.
        let meta = fs::metadata(&host).map_err(|e| FsError::from_io(path, &e))?;
        if meta.is_dir() {
            return Err(FsError::IsDirectory {
                path: path.to_string(),
            });
        }
        if !meta.is_file() {
            return Err(FsError::NotRegular {
                path: path.to_string(),
            });
        }
        let file = fs::File::open(&host).map_err(|e| FsError::from_io(path, &e))?;
        if meta.len() > limit {
            return Err(FsError::TooLarge {
                path: path.to_string(),
                size: meta.len(),
                limit,
            });
        }
        let mut bytes = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| FsError::from_io(path, &e))?;
        if bytes.len() as u64 > limit {
            return Err(FsError::TooLarge {
                path: path.to_string(),
                size: bytes.len() as u64,
                limit,
            });
        }
        Ok(bytes)
    }

    /// Names in a directory (sorted), or an empty list when it is absent.
    pub fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError> {
        let host = self.resolve(path)?;
        let entries = match fs::read_dir(&host) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(FsError::from_io(path, &e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }
}

fn components(path: &str) -> Vec<String> {
    Path::new(path)
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".to_string()),
            Component::CurDir => Some(".".to_string()),
            Component::RootDir | Component::Prefix(_) => None,
        })
        .collect()
}

/// Joins a node path to a name inside it.
pub fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn absolute_symlinks_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("etc/kubernetes")).unwrap();
        fs::write(root.join("etc/kubernetes/real.conf"), "inside").unwrap();
        symlink("/etc/kubernetes/real.conf", root.join("etc/link.conf")).unwrap();
        let node = NodeFs::new(root);
        assert_eq!(node.read_text("/etc/link.conf").unwrap(), "inside");
        assert_eq!(node.read_text("/../../etc/link.conf").unwrap(), "inside");
    }

    #[test]
    fn loops_and_limits_are_errors_with_the_node_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        symlink("/b", root.join("a")).unwrap();
        symlink("/a", root.join("b")).unwrap();
        fs::write(root.join("big"), vec![b'x'; 100]).unwrap();
        let node = NodeFs::new(root);
        assert_eq!(
            node.read_text("/a").unwrap_err(),
            FsError::SymlinkLoop { path: "/a".into() }
        );
        assert!(matches!(
            node.read_text_limited("/big", 10),
            Err(FsError::TooLarge { size: 100, .. })
        ));
        assert!(node.read_text("/missing/file").unwrap_err().is_not_found());
    }
}
