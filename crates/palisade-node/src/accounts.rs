//! User and group names as the node knows them: from its own `/etc/passwd`
//! and `/etc/group` (under `--root`), never from the machine running the
//! audit, whose numbering may differ.

use std::collections::HashMap;

use crate::root::NodeFs;

#[derive(Debug, Clone, Default)]
pub struct Accounts {
    users: HashMap<u32, String>,
    groups: HashMap<u32, String>,
}

impl Accounts {
    /// Reads the node's account databases. Missing or unreadable files
    /// leave ids unnamed; the owner is then shown as a number and compared
    /// as one (`0` is `root` on every Linux system).
    pub fn load(node: &NodeFs) -> Self {
        let read = |path: &str| node.read_text(path).map(|t| parse(&t)).unwrap_or_default();
        Accounts {
            users: read("/etc/passwd"),
            groups: read("/etc/group"),
        }
    }

    pub fn user(&self, uid: u32) -> Option<&str> {
        self.users
            .get(&uid)
            .map(String::as_str)
            .or((uid == 0).then_some("root"))
    }

    pub fn group(&self, gid: u32) -> Option<&str> {
        self.groups
            .get(&gid)
            .map(String::as_str)
            .or((gid == 0).then_some("root"))
    }

    /// `user:group` with numbers where a name is unknown.
    pub fn owner(&self, uid: u32, gid: u32) -> String {
        let user = self
            .user(uid)
            .map_or_else(|| uid.to_string(), str::to_string);
        let group = self
            .group(gid)
            .map_or_else(|| gid.to_string(), str::to_string);
        format!("{user}:{group}")
    }
}

/// `name:x:id:...` lines; the first entry for an id wins, as in libc.
fn parse(text: &str) -> HashMap<u32, String> {
    let mut out = HashMap::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let mut fields = line.split(':');
        let (Some(name), Some(_), Some(id)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        if let Ok(id) = id.trim().parse::<u32>() {
            out.entry(id).or_insert_with(|| name.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_nodes_own_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("etc")).unwrap();
        std::fs::write(
            dir.path().join("etc/passwd"),
            "root:x:0:0::/root:/bin/sh\n# comment\netcd:x:998:997::/var/lib/etcd:/sbin/nologin\nbroken\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("etc/group"), "root:x:0:\netcd:x:997:\n").unwrap();
        let accounts = Accounts::load(&NodeFs::new(dir.path()));
        assert_eq!(accounts.owner(998, 997), "etcd:etcd");
        assert_eq!(accounts.owner(0, 0), "root:root");
        assert_eq!(accounts.owner(1234, 997), "1234:etcd");
    }
}
