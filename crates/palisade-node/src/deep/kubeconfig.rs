//! The kubeconfig files on the node: administrators', the control-plane
//! components', the kubelet's and kube-proxy's. Values are never shown,
//! only which kinds of credential a file holds.

use serde_json::Value;

use crate::benchmark::files as f;
use crate::benchmark::{Files, Outcome};
use crate::model::Node;
use crate::yaml::parse_document;

const KUBECONFIGS: [Files; 5] = [
    f::ADMIN_KUBECONFIGS,
    f::SCHEDULER_KUBECONFIG,
    f::CONTROLLER_MANAGER_KUBECONFIG,
    f::KUBELET_KUBECONFIG,
    f::PROXY_KUBECONFIG,
];

/// A kubeconfig present on the node, and the credential fields its users
/// hold (`client-key-data`, `token`, `password`).
struct Found {
    path: String,
    mode: u32,
    embedded: Vec<&'static str>,
}

/// Every kubeconfig present; files that cannot be read or parsed are
/// errors, missing ones are skipped.
fn kubeconfigs(node: &Node) -> Result<Vec<Found>, String> {
    let mut out: Vec<Found> = Vec::new();
    for files in KUBECONFIGS {
        for path in (files.paths)(node)? {
            if out.iter().any(|f| f.path == path) {
                continue;
            }
            let stat = match node.fs.stat(&path) {
                Ok(stat) => stat,
                Err(error) if error.is_not_found() => continue,
                Err(error) => return Err(error.to_string()),
            };
            let text = node.fs.read_text(&path).map_err(|e| e.to_string())?;
            let config = parse_document(&path, &text)?;
            out.push(Found {
                path,
                mode: stat.mode & 0o777,
                embedded: credential_fields(&config),
            });
        }
    }
    Ok(out)
}

fn credential_fields(config: &Value) -> Vec<&'static str> {
    let mut out = Vec::new();
    let users = config
        .get("users")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for user in users.filter_map(|u| u.get("user")) {
        for field in ["client-key-data", "token", "password"] {
            let present = user
                .get(field)
                .and_then(Value::as_str)
                .is_some_and(|v| !v.is_empty());
            if present && !out.contains(&field) {
                out.push(field);
            }
        }
    }
    out
}

fn judge(node: &Node, bad: fn(&Found) -> Option<String>, fix: &str) -> Outcome {
    let found = match kubeconfigs(node) {
        Ok(found) => found,
        Err(reason) => return Outcome::error(reason),
    };
    if found.is_empty() {
        return Outcome::not_applicable("no kubeconfig file on this node");
    }
    let evidence: Vec<String> = found
        .iter()
        .map(|f| {
            let held = if f.embedded.is_empty() {
                "no embedded credentials".to_string()
            } else {
                format!("embeds {}", f.embedded.join(", "))
            };
            format!("{} mode {:04o}, {held}", f.path, f.mode)
        })
        .collect();
    let problems: Vec<String> = found.iter().filter_map(bad).collect();
    if problems.is_empty() {
        return Outcome::pass(evidence);
    }
    Outcome::fail(evidence, problems.join("; "), fix.to_string())
}

/// PAL-NODE-001: a kubeconfig with a key, token or password that users
/// other than its owner can read hands them its identity.
pub fn readable_credentials(node: &Node) -> Outcome {
    judge(
        node,
        |f| {
            (!f.embedded.is_empty() && f.mode & 0o077 != 0).then(|| {
                format!(
                    "{} holds {} and has mode {:04o}",
                    f.path,
                    f.embedded.join(", "),
                    f.mode
                )
            })
        },
        "chmod 600 the kubeconfig files that hold credentials",
    )
}

/// PAL-NODE-002: static bearer tokens and passwords do not expire and
/// cannot be revoked short of editing the API server's configuration.
pub fn static_credentials(node: &Node) -> Outcome {
    judge(
        node,
        |f| {
            let statics: Vec<&str> = f
                .embedded
                .iter()
                .copied()
                .filter(|field| *field != "client-key-data")
                .collect();
            (!statics.is_empty())
                .then(|| format!("{} authenticates with a static {}", f.path, statics.join(" and ")))
        },
        "use client certificates (rotated) or an exec credential plugin instead of static tokens or passwords",
    )
}
