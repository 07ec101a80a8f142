//! `policy.yaml`: a user policy's declaration, everything but its logic.
//!
//! ```yaml
//! id: ACME-001                      # unique; PAL- is palisade's own
//! title: Deployment has no team label
//! severity: medium
//! kinds: [Deployment, StatefulSet]  # empty or absent: every kind
//! description: |                    # Markdown, shown by `checks explain`
//!   Every workload names the team that owns it.
//! remediation: Add a `team` label to the object's metadata.
//! references: [https://wiki.example.com/labels]
//! params: {label: team}             # `params` in CEL, `input.parameters` in Rego
//! rego:                             # either rego (the default when
//!                                   # policy.rego is beside this file) …
//!   file: policy.rego               # default policy.rego
//!   input: review                   # review (Gatekeeper) or object; default: guessed
//! cel:                              # … or cel (ValidatingAdmissionPolicy style)
//!   matchConditions: [{name: has-labels, expression: "has(object.metadata.labels)"}]
//!   variables: [{name: labels, expression: "object.metadata.labels"}]
//!   validations:
//!     - expression: "'team' in variables.labels"
//!       message: the object has no team label
//!       fieldPath: .metadata.labels
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicySpec {
    pub id: String,
    /// Kebab-case name; the directory's name when absent.
    #[serde(default)]
    pub slug: Option<String>,
    pub title: String,
    pub severity: String,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub params: Option<serde_json::Value>,
    #[serde(default)]
    pub rego: Option<RegoSpec>,
    #[serde(default)]
    pub cel: Option<CelSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegoSpec {
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub input: Option<InputForm>,
}

/// What a Rego policy's `input` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputForm {
    /// Gatekeeper's shape: `input.review.object`, `input.review.oldObject`,
    /// `input.review.operation`, …, and `input.parameters`.
    Review,
    /// The object itself, as conftest and plain OPA policies read it.
    Object,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CelSpec {
    #[serde(default)]
    pub match_conditions: Vec<NamedExpression>,
    #[serde(default)]
    pub variables: Vec<NamedExpression>,
    pub validations: Vec<Validation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NamedExpression {
    pub name: String,
    pub expression: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Validation {
    pub expression: String,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub message_expression: Option<String>,
    /// Where the finding points, as ValidatingAdmissionPolicy writes it:
    /// `.spec.template.spec.containers[0].image`.
    #[serde(default)]
    pub field_path: Option<String>,
    /// Accepted for compatibility with ValidatingAdmissionPolicy files;
    /// palisade's verdict comes from the severity.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Checks what serde cannot: the ID's shape, the slug, the severity, the
/// choice of exactly one language. Returns the problems found.
pub fn validate(spec: &PolicySpec) -> Vec<String> {
    let mut problems = Vec::new();
    if !valid_id(&spec.id) {
        problems.push(format!(
            "id `{}` must be upper-case words and digits joined by dashes, such as ACME-001",
            spec.id
        ));
    } else if spec.id.starts_with("PAL-") {
        problems.push(format!(
            "id `{}` uses the PAL- prefix, which is reserved for palisade's own checks",
            spec.id
        ));
    }
    if let Some(slug) = &spec.slug {
        if !valid_slug(slug) {
            problems.push(format!("slug `{slug}` must be kebab-case"));
        }
    }
    if spec.title.trim().is_empty() {
        problems.push("title is empty".to_string());
    }
    if spec.remediation.trim().is_empty() {
        problems.push("remediation is empty".to_string());
    }
    if spec.severity.parse::<palisade_core::Severity>().is_err() {
        problems.push(format!(
            "severity `{}` must be info, low, medium, high or critical",
            spec.severity
        ));
    }
    match (&spec.rego, &spec.cel) {
        (Some(_), Some(_)) => problems.push("give either rego or cel, not both".to_string()),
        (None, None) => problems.push("give the policy's logic under rego or cel".to_string()),
        (None, Some(cel)) if cel.validations.is_empty() => {
            problems.push("cel.validations is empty".to_string())
        }
        _ => {}
    }
    if let Some(cel) = &spec.cel {
        let mut seen = BTreeMap::new();
        for variable in &cel.variables {
            if !valid_identifier(&variable.name) {
                problems.push(format!(
                    "cel variable `{}` is not a CEL identifier",
                    variable.name
                ));
            }
            if seen.insert(variable.name.as_str(), ()).is_some() {
                problems.push(format!("cel variable `{}` is defined twice", variable.name));
            }
        }
        for (i, validation) in cel.validations.iter().enumerate() {
            if let Some(path) = &validation.field_path {
                if crate::location::parse_field_path(path).is_none() {
                    problems.push(format!(
                        "cel.validations[{i}].fieldPath `{path}` is not a field path such as .spec.containers[0].image"
                    ));
                }
            }
        }
    }
    problems
}

fn valid_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() >= 2
        && parts[0].starts_with(|c: char| c.is_ascii_uppercase())
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn valid_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_upper_case_words_joined_by_dashes() {
        assert!(valid_id("ACME-001"));
        assert!(valid_id("ACME-NET-7"));
        assert!(!valid_id("acme-001"));
        assert!(!valid_id("ACME"));
        assert!(!valid_id("ACME--1"));
        assert!(!valid_id("1ACME-1"));
    }

    #[test]
    fn slugs_are_kebab_case() {
        assert!(valid_slug("require-team-label"));
        assert!(!valid_slug("Require"));
        assert!(!valid_slug("a--b"));
    }
}
