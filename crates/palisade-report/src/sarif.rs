//! SARIF 2.1.0 (OASIS), as GitHub code scanning and other viewers read it:
//! one rule per selected check with its help and framework tags, one
//! result per finding with its file region, logical location (the object)
//! and a `partialFingerprints` entry that does not change when lines move.

use std::collections::BTreeMap;
use std::io::{self, Write};

use palisade_core::{CheckMeta, Finding, ScanReport, Severity};
use serde_json::{json, Value};

use crate::Reporter;

pub struct SarifReporter {
    pub tool_version: &'static str,
    /// Every check that ran, so that rules exist for checks without
    /// findings too (viewers then show them as passing).
    pub checks: Vec<&'static CheckMeta>,
    /// Framework controls per check (`cis-1.10 5.2.2`), tagged on rules.
    pub controls: BTreeMap<String, Vec<String>>,
    /// The configuration's severity overrides, which rules follow.
    pub severities: BTreeMap<String, Severity>,
}

/// SARIF's levels: errors block, warnings and notes inform.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (0–10), which orders alerts.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// `PAL-WL-003` with slug `privileged-container` → `PrivilegedContainer`.
fn rule_name(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect()
}

fn rule(meta: &CheckMeta, controls: Option<&Vec<String>>, severity: Severity) -> Value {
    let mut tags = vec!["security".to_string(), "kubernetes".to_string()];
    tags.extend(
        controls
            .into_iter()
            .flatten()
            .map(|c| c.replacen(' ', "/", 1)),
    );
    if let Some(pss) = meta.pss {
        tags.push(format!("pss-{}/{}", pss.level.as_str(), pss.control));
    }
    // SARIF tags are a set.
    let mut seen = std::collections::HashSet::new();
    tags.retain(|t| seen.insert(t.clone()));
    let mut rule = json!({
        "id": meta.id,
        "name": rule_name(meta.slug),
        "shortDescription": { "text": meta.title },
        "fullDescription": { "text": first_paragraph(meta.description) },
        "help": {
            "text": format!("{}\n\nRemediation: {}", meta.title, meta.remediation),
            "markdown": format!("{}\n\n## Remediation\n{}", meta.description, meta.remediation),
        },
        "defaultConfiguration": { "level": level(severity) },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(severity),
            "precision": "high",
            "problem.severity": match severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                _ => "recommendation",
            },
        },
    });
    if let Some(uri) = meta.references.first() {
        rule["helpUri"] = json!(uri);
    }
    rule
}

/// The description's text under "What it checks", as one paragraph.
fn first_paragraph(description: &str) -> String {
    description
        .lines()
        .map(str::trim)
        .skip_while(|l| l.starts_with('#') || l.is_empty())
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ")
}

fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Where a file is, as SARIF names artifacts: a URI relative to the
/// working directory (`%SRCROOT%`) when the file is under it, as code
/// scanning expects, else an absolute `file://` URI; `None` for inputs
/// that are not files (`<stdin>`, rendered Kustomize output).
pub fn artifact_location(file: &str) -> Option<Value> {
    if file.starts_with('<') || file.ends_with("(kustomize build)") {
        return None;
    }
    let path = std::path::Path::new(file);
    let cwd = std::env::current_dir().ok();
    let absolute = match (&cwd, path.is_absolute()) {
        (_, true) => path.to_path_buf(),
        (Some(cwd), false) => cwd.join(path),
        (None, false) => path.to_path_buf(),
    };
    // Lexically: `a/../b` is `b` (the file may be gone by now).
    let mut normal = std::path::PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let under_cwd = cwd.as_ref().and_then(|cwd| normal.strip_prefix(cwd).ok());
    Some(match under_cwd {
        Some(relative) => json!({
            "uri": percent_encode(&relative.to_string_lossy().replace('\\', "/")),
            "uriBaseId": "%SRCROOT%",
        }),
        None => json!({ "uri": format!("file://{}", percent_encode(&normal.to_string_lossy())) }),
    })
}

fn result(finding: &Finding, rule_index: usize, cluster: bool) -> Value {
    let r = &finding.resource;
    let object = match &r.namespace {
        Some(ns) => format!("{}/{}/{}", r.kind, ns, r.name),
        None => format!("{}/{}", r.kind, r.name),
    };
    let mut location = json!({
        "logicalLocations": [{
            "fullyQualifiedName": format!("{object}:{}", finding.path),
            "name": finding.path.to_string(),
            "kind": "member",
        }],
    });
    let artifact = (!cluster && finding.pos.line > 0)
        .then(|| artifact_location(&finding.file))
        .flatten();
    if let Some(artifact) = artifact {
        location["physicalLocation"] = json!({
            "artifactLocation": artifact,
            "region": { "startLine": finding.pos.line, "startColumn": finding.pos.column.max(1) },
        });
    }
    json!({
        "ruleId": finding.check.id,
        "ruleIndex": rule_index,
        "level": level(finding.severity()),
        "message": { "text": format!("{object}: {}", finding.message) },
        "locations": [location],
        "partialFingerprints": { "palisadeFinding/v1": finding.fingerprint() },
        "properties": { "resource": object, "path": finding.path.to_string() },
    })
}

impl Reporter for SarifReporter {
    fn render(&self, report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
        // Rules: every check that ran, plus any with findings (a report
        // built elsewhere may not list its checks).
        let mut metas: BTreeMap<&str, &CheckMeta> =
            self.checks.iter().map(|m| (m.id, *m)).collect();
        let excepted = report.suppressed.iter().map(|s| &s.finding);
        for finding in report.findings.iter().chain(excepted) {
            metas.entry(finding.check.id).or_insert(finding.check);
        }
        let index: BTreeMap<&str, usize> =
            metas.keys().enumerate().map(|(i, id)| (*id, i)).collect();
        let cluster = report.cluster.is_some();

        let notifications: Vec<Value> = report
            .errors
            .iter()
            .map(|e| json!({ "level": "error", "message": { "text": e.to_string() } }))
            .chain(report.not_evaluated.iter().map(|gap| json!({ "level": "warning", "message": { "text": format!("not evaluated: {}", gap.message) } })))
            .collect();
        let document = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "palisade",
                    "version": self.tool_version,
                    "semanticVersion": self.tool_version,
                    "rules": metas.values().map(|m| {
                            let severity = self.severities.get(m.id).copied().unwrap_or(m.severity);
                            rule(m, self.controls.get(m.id), severity)
                        }).collect::<Vec<_>>(),
                }},
                "invocations": [{
                    "executionSuccessful": report.errors.is_empty(),
                    "toolExecutionNotifications": notifications,
                }],
                "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "the directory palisade ran in" } } },
                "columnKind": "unicodeCodePoints",
                "results": [],
            }],
        });
        // The results are streamed into the empty array: built as one
        // value, a large scan's document would take gigabytes.
        let head = serde_json::to_string_pretty(&document)?;
        let marker = "\"results\": []";
        let at = head
            .find(marker)
            .ok_or_else(|| io::Error::other("results array not found in the SARIF header"))?
            + marker.len()
            - 1;
        out.write_all(&head.as_bytes()[..at])?;
        if !report.findings.is_empty() {
            out.write_all(b"\n")?;
        }
        crate::stream::write_parallel(&report.findings, b",\n", out, |finding, buf| {
            serde_json::to_writer(buf, &result(finding, index[finding.check.id], cluster))
                .map_err(io::Error::other)
        })?;
        // Excepted findings are results with a suppression, so code
        // scanning shows them as dismissed with the reason rather than as
        // fixed.
        for (i, suppressed) in report.suppressed.iter().enumerate() {
            if i > 0 || !report.findings.is_empty() {
                out.write_all(b",\n")?;
            } else {
                out.write_all(b"\n")?;
            }
            let finding = &suppressed.finding;
            let mut value = result(finding, index[finding.check.id], cluster);
            value["suppressions"] =
                json!([{ "kind": "external", "justification": suppressed.reason }]);
            serde_json::to_writer(&mut *out, &value)?;
        }
        out.write_all(&head.as_bytes()[at..])?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(rule_name("privileged-container"), "PrivilegedContainer");
        assert_eq!(
            artifact_location("./k8s/my app.yaml").unwrap()["uri"],
            "k8s/my%20app.yaml"
        );
        assert_eq!(
            artifact_location("k8s/../deploy.yaml").unwrap()["uri"],
            "deploy.yaml"
        );
        assert_eq!(
            artifact_location("/nowhere/else.yaml").unwrap(),
            json!({"uri": "file:///nowhere/else.yaml"})
        );
        assert_eq!(artifact_location("<stdin>"), None);
    }
}
