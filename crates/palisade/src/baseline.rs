//! Findings of an earlier JSON report (`palisade scan --format json`),
//! matched by fingerprint: `--baseline` keeps only what is new, and
//! `palisade diff` compares two reports. Reports written before findings
//! carried a fingerprint are read too: it is computed from the same parts.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{bail, Context, Result};
use palisade_core::report::fingerprint;
use serde_json::Value;

/// One finding as a report recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub fingerprint: String,
    pub check_id: String,
    pub severity: String,
    /// `Deployment/shop/web`.
    pub resource: String,
    /// `file:line`.
    pub location: String,
    pub message: String,
}

/// The findings of a JSON scan report, in its order.
pub fn read(path: &Path) -> Result<Vec<Recorded>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let doc: Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a JSON report (write one with `palisade scan --format json`)",
            path.display()
        )
    })?;
    let Some(findings) = doc.get("findings").and_then(Value::as_array) else {
        bail!(
            "{}: no `findings` array; is it a `palisade scan --format json` report?",
            path.display()
        );
    };
    findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            recorded(f)
                .with_context(|| format!("{}: findings[{i}] is not a finding", path.display()))
        })
        .collect()
}

fn recorded(f: &Value) -> Result<Recorded> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let field = |name: &str| text(f.get(name)).with_context(|| format!("missing `{name}`"));
    let resource = f.get("resource").context("missing `resource`")?;
    let kind = text(resource.get("kind")).unwrap_or_default();
    let name = text(resource.get("name")).unwrap_or_default();
    let namespace = text(resource.get("namespace"));
    let check_id = field("checkId")?;
    let path = field("path")?;
    let location = f.get("location");
    let file = text(location.and_then(|l| l.get("file"))).unwrap_or_default();
    let line = location
        .and_then(|l| l.get("line"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let fingerprint = text(f.get("fingerprint")).unwrap_or_else(|| {
        let file = (line > 0).then_some(file.as_str());
        fingerprint(&check_id, &kind, namespace.as_deref(), &name, &path, file)
    });
    Ok(Recorded {
        fingerprint,
        severity: field("severity")?,
        resource: match &namespace {
            Some(ns) => format!("{kind}/{ns}/{name}"),
            None => format!("{kind}/{name}"),
        },
        location: if line > 0 {
            format!("{file}:{line}")
        } else {
            file
        },
        message: field("message")?,
        check_id,
    })
}

/// The fingerprints of a baseline report.
pub fn fingerprints(path: &Path) -> Result<HashSet<String>> {
    Ok(read(path)?.into_iter().map(|r| r.fingerprint).collect())
}
