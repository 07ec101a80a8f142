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

/// Every kubeconfig present, and the files that could not be read or
/// parsed (each an error of its own: the others are still judged).
fn kubeconfigs(node: &Node) -> (Vec<Found>, Vec<String>) {
    let mut found: Vec<Found> = Vec::new();
    let mut errors = Vec::new();
    for files in KUBECONFIGS {
        let paths = match (files.paths)(node) {
            Ok(paths) => paths,
            Err(reason) => {
                errors.push(reason);
                continue;
            }
        };
        for path in paths {
            if found.iter().any(|f| f.path == path) {
                continue;
            }
            let stat = match node.fs.stat(&path) {
                Ok(stat) => stat,
                Err(error) if error.is_not_found() => continue,
                Err(error) => {
                    errors.push(error.to_string());
                    continue;
                }
            };
            let parsed = node
                .fs
                .read_text(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| parse_document(&path, &text));
            match parsed {
                Ok(config) => found.push(Found {
                    path,
                    mode: stat.mode & 0o777,
                    embedded: credential_fields(&config),
                }),
                Err(reason) => errors.push(reason),
            }
        }
    }
    (found, errors)
}

/// The kinds of credential the file's users hold, by field name only.
fn credential_fields(config: &Value) -> Vec<&'static str> {
    let mut out = Vec::new();
    let users = config
        .get("users")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for user in users.filter_map(|u| u.get("user")) {
        let present =
            |value: Option<&Value>| value.and_then(Value::as_str).is_some_and(|v| !v.is_empty());
        for field in ["client-key-data", "token", "password"] {
            if present(user.get(field)) && !out.contains(&field) {
                out.push(field);
            }
        }
        // OIDC and similar providers cache tokens in the file.
        let provider = user.pointer("/auth-provider/config");
        let cached = ["id-token", "refresh-token", "access-token"]
            .iter()
            .any(|key| present(provider.and_then(|c| c.get(*key))));
        if cached && !out.contains(&"auth-provider token") {
            out.push("auth-provider token");
        }
    }
    out
}

fn judge(node: &Node, bad: fn(&Found) -> Option<String>, fix: &str) -> Outcome {
    let (found, errors) = kubeconfigs(node);
    if found.is_empty() && errors.is_empty() {
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
    if !problems.is_empty() {
        return Outcome::fail(evidence, problems.join("; "), fix.to_string());
    }
    if !errors.is_empty() {
        let mut outcome = Outcome::error(errors.join("; "));
        outcome.evidence = evidence;
        return outcome;
    }
    Outcome::pass(evidence)
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
