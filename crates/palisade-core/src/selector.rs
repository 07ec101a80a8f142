//! Kubernetes label selectors (`matchLabels` plus `matchExpressions`), as
//! NetworkPolicies, aggregated ClusterRoles and namespace selectors use them.

use std::collections::BTreeMap;

use serde_json::Value;

/// Labels of one object, sorted for stable output.
pub type Labels = BTreeMap<String, String>;

/// Reads a `labels` mapping; non-string values are skipped (the API server
/// would reject them anyway).
pub fn labels_of(value: Option<&Value>) -> Labels {
    value
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A parsed label selector. The empty selector selects everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

/// Why a selector is invalid; the API server rejects such an object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectorError {
    #[error("label selector is not a mapping")]
    NotAMapping,
    #[error("`matchLabels` value for {0:?} is not a string")]
    LabelNotString(String),
    #[error("`matchExpressions[{0}]` has no `key`")]
    MissingKey(usize),
    #[error("`matchExpressions[{0}]` has unknown operator {1:?} (expected In, NotIn, Exists or DoesNotExist)")]
    UnknownOperator(usize, String),
    #[error("`matchExpressions[{0}]` uses {1} with no values")]
    EmptyValues(usize, &'static str),
    #[error("`matchExpressions[{0}]` uses {1} with values")]
    UnexpectedValues(usize, &'static str),
}

impl Selector {
    /// Parses a `LabelSelector`. A missing selector (`None` or null) is
    /// returned as `Ok(None)`: its meaning depends on the field (a missing
    /// `podSelector` peer field means "not restricted by pods").
    pub fn parse(value: Option<&Value>) -> Result<Option<Selector>, SelectorError> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        let map = value.as_object().ok_or(SelectorError::NotAMapping)?;
        let mut requirements = Vec::new();
        if let Some(labels) = map.get("matchLabels").and_then(Value::as_object) {
            for (key, v) in labels {
                let v = v
                    .as_str()
                    .ok_or_else(|| SelectorError::LabelNotString(key.clone()))?;
                requirements.push(Requirement::In(key.clone(), vec![v.to_string()]));
            }
        }
        let expressions = map.get("matchExpressions").and_then(Value::as_array);
        for (i, expr) in expressions.into_iter().flatten().enumerate() {
            let key = expr
                .get("key")
                .and_then(Value::as_str)
                .ok_or(SelectorError::MissingKey(i))?
                .to_string();
            let values: Vec<String> = expr
                .get("values")
                .and_then(Value::as_array)
                .map(|vs| {
                    vs.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let operator = expr.get("operator").and_then(Value::as_str).unwrap_or("");
            let requirement = match operator {
                "In" | "NotIn" if values.is_empty() => {
                    return Err(SelectorError::EmptyValues(
                        i,
                        if operator == "In" { "In" } else { "NotIn" },
                    ))
                }
                "Exists" | "DoesNotExist" if !values.is_empty() => {
                    return Err(SelectorError::UnexpectedValues(
                        i,
                        if operator == "Exists" {
                            "Exists"
                        } else {
                            "DoesNotExist"
                        },
                    ))
                }
                "In" => Requirement::In(key, values),
                "NotIn" => Requirement::NotIn(key, values),
                "Exists" => Requirement::Exists(key),
                "DoesNotExist" => Requirement::DoesNotExist(key),
                other => return Err(SelectorError::UnknownOperator(i, other.to_string())),
            };
            requirements.push(requirement);
        }
        Ok(Some(Selector { requirements }))
    }

    /// Whether a requirement of the selector names label `key`.
    pub fn mentions(&self, key: &str) -> bool {
        self.requirements.iter().any(|r| match r {
            Requirement::In(k, _)
            | Requirement::NotIn(k, _)
            | Requirement::Exists(k)
            | Requirement::DoesNotExist(k) => k == key,
        })
    }

    /// Whether the selector selects every object.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.requirements.iter().all(|r| match r {
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn empty_selects_all_and_missing_is_none() {
        let s = Selector::parse(Some(&json!({}))).unwrap().unwrap();
        assert!(s.is_empty() && s.matches(&labels(&[])));
        assert_eq!(Selector::parse(None).unwrap(), None);
        assert_eq!(Selector::parse(Some(&Value::Null)).unwrap(), None);
    }

    #[test]
    fn labels_and_expressions_are_anded() {
        let s = Selector::parse(Some(&json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "NotIn", "values": ["db"]},
                {"key": "canary", "operator": "DoesNotExist"}
            ]
        })))
        .unwrap()
        .unwrap();
        assert!(s.matches(&labels(&[("app", "web")])));
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "front")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "db")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("canary", "1")])));
        assert!(!s.matches(&labels(&[("app", "api")])));
    }

    #[test]
    fn invalid_selectors_are_errors() {
        let bad = |v: Value| Selector::parse(Some(&v)).unwrap_err();
        assert_eq!(
            bad(json!({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]})),
            SelectorError::EmptyValues(0, "In")
        );
        assert!(matches!(
            bad(json!({"matchExpressions": [{"key": "a", "operator": "Equals"}]})),
            SelectorError::UnknownOperator(0, _)
        ));
        assert_eq!(bad(json!("app=web")), SelectorError::NotAMapping);
    }
}
