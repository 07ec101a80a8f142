//! Reading an Ingress's rules and TLS hosts.

use palisade_core::{FieldPath, Resource};
use serde_json::Value;

/// Each `spec.rules[i]` with its host, if it names one.
pub fn rules(ingress: &Resource) -> Vec<(FieldPath, Option<&str>)> {
    let list = ingress
        .value
        .pointer("/spec/rules")
        .and_then(Value::as_array);
    list.into_iter()
        .flatten()
        .enumerate()
        .map(|(i, rule)| {
            let host = rule
                .get("host")
                .and_then(Value::as_str)
                .filter(|h| !h.is_empty());
            (FieldPath::root().join("spec").join("rules").join(i), host)
        })
        .collect()
}

/// Every host of every `spec.tls` entry; `None` when there is no TLS. An
/// entry without hosts serves its certificate for any host (the
/// controller matches it by the names it holds), written here as `*`.
pub fn hosts_of_tls(ingress: &Resource) -> Option<Vec<&str>> {
    let tls = ingress
        .value
        .pointer("/spec/tls")
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty())?;
    Some(
        tls.iter()
            .flat_map(|entry| {
                match entry
                    .get("hosts")
                    .and_then(Value::as_array)
                    .filter(|h| !h.is_empty())
                {
                    Some(hosts) => hosts.iter().filter_map(Value::as_str).collect(),
                    None => vec!["*"],
                }
            })
            .collect(),
    )
}

/// Whether a TLS host list covers `host`: exactly, or by a wildcard that
/// stands for exactly one leading label.
pub fn tls_covers(tls: &[&str], host: &str) -> bool {
    tls.iter().any(|&t| {
        t == "*"
            || t.eq_ignore_ascii_case(host)
            || t.strip_prefix("*.").is_some_and(|suffix| {
                host.split_once('.').is_some_and(|(label, rest)| {
                    !label.is_empty() && label != "*" && rest.eq_ignore_ascii_case(suffix)
                })
            })
    })
}
