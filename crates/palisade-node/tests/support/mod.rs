//! Fake nodes for tests: a `.node` file describes a machine's files (with
//! mode and owner), directories, symlinks and processes, and the verdict
//! expected for each recommendation. [`build`] lays the tree out in a
//! temporary directory, owners included (tests run as root in CI).
//!
//! ```text
//! user root 0            # /etc/passwd and /etc/group entries
//! user etcd 998
//! file /etc/x.yaml 0600 root:root
//!   indented lines are the file's content
//! dir /var/lib/etcd 0700 etcd:etcd
//! link /etc/a -> /etc/b
//! big /var/lib/kubelet/config.yaml 5000000 0600 root:root
//! proc 812 /usr/bin/kubelet --config=/var/lib/kubelet/config.yaml
//! proc 50 @alice /usr/bin/etcd              # owned by alice
//! fifo /etc/kubernetes/kubelet.conf
//! expect 1.1.1 PASS
//! ```

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{chown, symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub struct Tree {
    pub dir: tempfile::TempDir,
    pub expected: BTreeMap<String, String>,
}

impl Tree {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

/// Whether ownership can be set (root), which the fixtures need.
pub fn can_chown() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Root is needed to give fixture files their owners; CI runs as root
/// and sets PALISADE_REQUIRE_ROOT so that these tests cannot be skipped.
pub fn skip_without_root() -> bool {
    if can_chown() {
        return false;
    }
    assert!(
        std::env::var_os("PALISADE_REQUIRE_ROOT").is_none(),
        "node fixtures need root to set file owners"
    );
    eprintln!("skipping: node fixtures need root to set file owners");
    true
}

pub fn fixture(name: &str) -> PathBuf {
    // Through the crates directory, so that other crates' tests that
    // include this module find the same files.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../palisade-node/tests/nodes")
        .join(name)
}

pub fn build(spec_path: &Path) -> Tree {
    let spec = fs::read_to_string(spec_path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut ids: BTreeMap<String, u32> = BTreeMap::new();
    let mut expected = BTreeMap::new();
    let mut owners: Vec<(PathBuf, String, u32)> = Vec::new();
    let mut lines = spec.lines().peekable();
    let host = |p: &str| root.join(p.trim_start_matches('/'));
    while let Some(line) = lines.next() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[0] {
            "user" => {
                ids.insert(words[1].to_string(), words[2].parse().unwrap());
            }
            "file" => {
                let mut content = String::new();
                while let Some(next) = lines.peek() {
                    if let Some(body) = next.strip_prefix("  ") {
                        content.push_str(body);
                        content.push('\n');
                        lines.next();
                    } else if next.trim().is_empty() && content.is_empty() {
                        lines.next();
                    } else {
                        break;
                    }
                }
                let path = host(words[1]);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, content).unwrap();
                owners.push((
                    path,
                    words[3].to_string(),
                    u32::from_str_radix(words[2], 8).unwrap(),
                ));
            }
            "big" => {
                // `big PATH BYTES MODE OWNER`: a file too large to be a
                // configuration file.
                let path = host(words[1]);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                let size: usize = words[2].parse().unwrap();
                fs::write(&path, "a: b\n".repeat(size / 5 + 1)).unwrap();
                owners.push((
                    path,
                    words[4].to_string(),
                    u32::from_str_radix(words[3], 8).unwrap(),
                ));
            }
            "dir" => {
                let path = host(words[1]);
                fs::create_dir_all(&path).unwrap();
                owners.push((
                    path,
                    words[3].to_string(),
                    u32::from_str_radix(words[2], 8).unwrap(),
                ));
            }
            "link" => {
                let path = host(words[1]);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                symlink(words[3], path).unwrap();
            }
            "proc" => {
                // `proc PID [@OWNER] ARGV...`: a process, owned by root
                // unless `@OWNER` names another user.
                let pid_dir = root.join("proc").join(words[1]);
                fs::create_dir_all(&pid_dir).unwrap();
                let mut argv = &words[2..];
                if let Some(owner) = argv.first().and_then(|w| w.strip_prefix('@')) {
                    owners.push((pid_dir.clone(), format!("{owner}:{owner}"), 0o555));
                    argv = &argv[1..];
                }
                if !argv.is_empty() {
                    let mut cmdline = argv.join("\0");
                    cmdline.push('\0');
                    fs::write(pid_dir.join("cmdline"), cmdline).unwrap();
                }
            }
            "fifo" => {
                let path = host(words[1]);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                let made = std::process::Command::new("mkfifo")
                    .arg(&path)
                    .status()
                    .unwrap();
                assert!(made.success(), "mkfifo {}", path.display());
            }
            "expect" => {
                expected.insert(words[1].to_string(), words[2].to_string());
            }
            other => panic!("{}: unknown directive {other}", spec_path.display()),
        }
    }
    // The node's own account databases, from the `user` lines.
    let accounts: String = ids
        .iter()
        .map(|(name, id)| format!("{name}:x:{id}:{id}::/:/sbin/nologin\n"))
        .collect();
    let groups: String = ids
        .iter()
        .map(|(name, id)| format!("{name}:x:{id}:\n"))
        .collect();
    fs::create_dir_all(root.join("etc")).unwrap();
    fs::write(root.join("etc/passwd"), accounts).unwrap();
    fs::write(root.join("etc/group"), groups).unwrap();
    for (path, owner, mode) in owners {
        let (user, group) = owner.split_once(':').unwrap();
        if can_chown() {
            chown(&path, Some(ids[user]), Some(ids[group])).unwrap();
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
    }
    Tree { dir, expected }
}
