//! Compliance frameworks as data. Each framework is one YAML file in
//! `data/` listing its controls and the palisade checks that decide each;
//! users can load their own in the same format. [`rollup`] turns a report
//! into a verdict per control and a score, as a view over findings, never
//! a separate scan.
#![forbid(unsafe_code)]

pub mod rollup;

use std::collections::BTreeSet;

use palisade_collect::manifest::{document_chunks, parse_chunk, Limits};
use serde::{Deserialize, Serialize};

/// One framework: a versioned list of controls.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// What `--framework` takes: `cis-1.10`, `nsa-cisa`.
    pub name: String,
    pub title: String,
    pub version: String,
    #[serde(default)]
    pub url: Option<String>,
    /// Other names accepted for it (earlier names, short forms).
    #[serde(default)]
    pub aliases: Vec<String>,
    pub controls: Vec<Control>,
}

/// One control of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// The framework's own number or identifier (`5.1.1`, `CC6.1`, `T1610`).
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub section: Option<String>,
    /// The palisade checks that decide it (scan checks, or node checks such
    /// as `PAL-CP-001`).
    #[serde(default)]
    pub checks: Vec<String>,
    /// For the CIS Kubernetes Benchmark's node sections: the `palisade
    /// node` recommendation that decides it.
    #[serde(default)]
    pub node: Option<String>,
    /// The framework marks it manual: a person judges it, and it is never
    /// counted as passed.
    #[serde(default)]
    pub manual: bool,
}

impl Control {
    /// Whether anything palisade runs decides it.
    pub fn is_automated(&self) -> bool {
        !self.manual && (!self.checks.is_empty() || self.node.is_some())
    }
}

/// Why a framework file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameworkError {
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("unknown framework `{name}` (known: {known})")]
    Unknown { name: String, known: String },
}

const BUILT_IN: &[(&str, &str)] = &[
    ("cis-1.10.yaml", include_str!("../data/cis-1.10.yaml")),
    ("cis-1.9.yaml", include_str!("../data/cis-1.9.yaml")),
    ("nsa-cisa.yaml", include_str!("../data/nsa-cisa.yaml")),
    ("mitre.yaml", include_str!("../data/mitre.yaml")),
    (
        "pss-baseline.yaml",
        include_str!("../data/pss-baseline.yaml"),
    ),
    (
        "pss-restricted.yaml",
        include_str!("../data/pss-restricted.yaml"),
    ),
    ("pci-dss-4.yaml", include_str!("../data/pci-dss-4.yaml")),
    ("hipaa.yaml", include_str!("../data/hipaa.yaml")),
    ("soc2.yaml", include_str!("../data/soc2.yaml")),
    (
        "nist-800-190.yaml",
        include_str!("../data/nist-800-190.yaml"),
    ),
];

/// Parses a framework file (YAML or JSON) and checks its shape: a name,
/// controls with unique IDs.
pub fn parse(file: &str, text: &str) -> Result<Framework, FrameworkError> {
    let invalid = |message: String| FrameworkError::Invalid {
        file: file.to_string(),
        message,
    };
    let limits = Limits::default();
    let mut value = None;
    for chunk in document_chunks(text) {
        for document in parse_chunk(file, chunk, &limits) {
            let document = document.map_err(|e| match e.line {
                Some(line) => invalid(format!("line {line}: {}", e.message)),
                None => invalid(e.message),
            })?;
            if !document.value.is_null() && value.is_none() {
                value = Some(document.value);
            }
        }
    }
    let value = value.ok_or_else(|| invalid("no YAML document".to_string()))?;
    let framework: Framework =
        serde_json::from_value(value).map_err(|e| invalid(format!("not a framework: {e}")))?;
    if framework.name.trim().is_empty() {
        return Err(invalid("`name` is empty".to_string()));
    }
    let mut seen = BTreeSet::new();
    for control in &framework.controls {
        if !seen.insert(control.id.as_str()) {
            return Err(invalid(format!("control `{}` appears twice", control.id)));
        }
    }
    Ok(framework)
}

/// The frameworks palisade ships.
pub fn built_in() -> Vec<Framework> {
    BUILT_IN
        .iter()
        .map(|(file, text)| match parse(file, text) {
            Ok(framework) => framework,
            // The files are part of the build and tested; a broken one is a
            // bug in this crate, not an input error.
            Err(error) => panic!("built-in framework {error}"),
        })
        .collect()
}

/// A framework by name or alias among `frameworks`.
pub fn find<'a>(frameworks: &'a [Framework], name: &str) -> Result<&'a Framework, FrameworkError> {
    frameworks
        .iter()
        .find(|f| f.name == name || f.aliases.iter().any(|a| a == name))
        .ok_or_else(|| FrameworkError::Unknown {
            name: name.to_string(),
            known: frameworks
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Check IDs a framework names that are not in `known`: a framework must
/// only name checks that exist.
pub fn unknown_checks<'a>(framework: &'a Framework, known: &BTreeSet<&str>) -> Vec<&'a str> {
    framework
        .controls
        .iter()
        .flat_map(|c| c.checks.iter())
        .map(String::as_str)
        .filter(|id| !known.contains(id))
        .collect()
}

/// Every check a framework names, once, in order.
pub fn checks_of(framework: &Framework) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for id in framework.controls.iter().flat_map(|c| c.checks.iter()) {
        if !out.contains(&id.as_str()) {
            out.push(id);
        }
    }
    out
}

/// For each check, the controls that name it: `cis-1.10 5.2.2`. Reports
/// tag findings with them (SARIF tags, check pages).
pub fn controls_by_check(
    frameworks: &[Framework],
) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut index: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for framework in frameworks {
        for control in &framework.controls {
            for check in &control.checks {
                let tag = format!("{} {}", framework.name, control.id);
                let tags = index.entry(check.clone()).or_default();
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
    }
    index
}
