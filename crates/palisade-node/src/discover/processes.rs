//! The process table: `/proc/<pid>/cmdline` (and, for etcd, `environ`),
//! read directly rather than through `ps`.

use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::args::Flags;
use crate::model::ComponentKind;

/// A command line longer than this is not a Kubernetes component's.
const MAX_CMDLINE_BYTES: u64 = 1 << 20;

/// One process.
pub struct Process {
    pub pid: u32,
    pub argv: Vec<String>,
    proc_dir: PathBuf,
}

impl Process {
    /// The owner of `/proc/<pid>`: root for the real control plane. Asked
    /// only of candidates, not of every process on the node.
    pub fn uid(&self) -> u32 {
        fs::metadata(&self.proc_dir)
            .map(|m| m.uid())
            .unwrap_or(u32::MAX)
    }

    /// `/proc/<pid>/root` when the table is a live one: the process's own
    /// view of the filesystem (a container's, for kube-proxy).
    pub fn root(&self) -> Option<PathBuf> {
        Some(self.proc_dir.join("root")).filter(|r| r.is_dir())
    }

    pub fn program(&self) -> Option<&str> {
        Path::new(self.argv.first()?).file_name()?.to_str()
    }

    /// Whether the process is `kind`, without parsing its flags.
    pub fn is(&self, kind: ComponentKind) -> bool {
        match self.program() {
            Some("hyperkube") => self.argv.get(1).is_some_and(|sub| {
                sub == kind.binary() || kind.binary().strip_prefix("kube-") == Some(sub.as_str())
            }),
            Some(name) => name == kind.binary(),
            None => false,
        }
    }

    pub fn is_k3s(&self) -> bool {
        self.program() == Some("k3s")
    }

    pub fn is_rke2(&self) -> bool {
        self.program() == Some("rke2")
    }

    /// The component this process is, with its flags (`hyperkube kubelet
    /// ...` counts as the kubelet; etcd's `ETCD_*` environment counts as
    /// flags its command line overrides).
    pub fn component(&self) -> Option<(ComponentKind, Flags)> {
        let name = self.program()?;
        if let Some(kind) = ComponentKind::from_binary(name) {
            let args = &self.argv[1..];
            if kind == ComponentKind::Etcd {
                let env = read_bounded(&self.proc_dir.join("environ")).unwrap_or_default();
                let env = String::from_utf8_lossy(&env);
                let env_flags = etcd_env_flags(env.split('\0').filter_map(|e| e.split_once('=')));
                return Some((kind, Flags::parse_exact(args).with_defaults(env_flags)));
            }
            return Some((kind, Flags::parse(args)));
        }
        if name == "hyperkube" {
            let sub = self.argv.get(1)?;
            let kind = ComponentKind::from_binary(sub)
                .or_else(|| ComponentKind::from_binary(&format!("kube-{sub}")))?;
            return Some((kind, Flags::parse(&self.argv[2..])));
        }
        None
    }
}

/// etcd reads `ETCD_CERT_FILE` as `--cert-file`; its command line wins.
pub fn etcd_env_flags<'a>(env: impl Iterator<Item = (&'a str, &'a str)>) -> Flags {
    let words: Vec<String> = env
        .filter_map(|(name, value)| {
            let flag = name
                .strip_prefix("ETCD_")?
                .to_ascii_lowercase()
                .replace('_', "-");
            Some(format!("--{flag}={value}"))
        })
        .collect();
    Flags::parse_exact(&words)
}

/// Reads a small proc file, refusing anything but a regular file (a FIFO
/// planted in a copied tree would block the open forever).
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(MAX_CMDLINE_BYTES)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Every process whose command line could be read. Processes that exit
/// while the table is read simply are not there; other failures are
/// counted in one warning.
pub fn read_table(proc_dir: &Path, warnings: &mut Vec<String>) -> Vec<Process> {
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
        let dir = proc_dir.join(pid.to_string());
        let bytes = match read_bounded(&dir.join("cmdline")) {
            Ok(bytes) => bytes,
            // Exited (gone, or ESRCH), or a kernel thread's empty entry.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(3) => {
                continue
            }
            Err(_) => {
                unreadable += 1;
                continue;
            }
        };
        let argv: Vec<String> = bytes
            .split(|b| *b == 0)
            .filter(|w| !w.is_empty())
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        if argv.is_empty() {
            continue;
        }
        out.push(Process {
            pid,
            argv,
            proc_dir: dir,
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
