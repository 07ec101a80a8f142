//! Per-resource exceptions declared in annotations:
//!
//! ```yaml
//! metadata:
//!   annotations:
//!     palisade.dev/ignore: PAL-WL-003, PAL-WL-005
//!     palisade.dev/ignore-reason: node agent, reviewed by security (SEC-123)
//!     palisade.dev/ignore-until: "2027-03-31"
//! ```
//!
//! A reason is required: an exception without one is reported and not
//! applied. An expired exception stops applying and is reported, as is one
//! that suppresses nothing.

use palisade_core::date::Date;
use palisade_core::{FieldPath, Resource};

pub const ANNOTATION_IGNORE: &str = "palisade.dev/ignore";
pub const ANNOTATION_REASON: &str = "palisade.dev/ignore-reason";
pub const ANNOTATION_UNTIL: &str = "palisade.dev/ignore-until";

/// The exceptions of one resource.
#[derive(Debug, Default)]
pub struct Exceptions {
    /// Check IDs whose findings are suppressed.
    pub ids: Vec<String>,
    pub reason: String,
    pub until: Option<Date>,
    /// Problems to report: missing reason, bad date, expiry.
    pub problems: Vec<(FieldPath, String)>,
}

fn annotation_path(key: &str) -> FieldPath {
    FieldPath::root()
        .join("metadata")
        .join("annotations")
        .join(key.to_string())
}

impl Exceptions {
    /// Reads the annotations of `resource`; `None` when it declares none.
    /// Check names are kept as written (IDs or slugs); the engine resolves
    /// them against the catalogue.
    pub fn of(resource: &Resource, today: Date) -> Option<Exceptions> {
        Exceptions::from_annotations(resource.annotations(), today)
    }

    /// Reads exceptions from an annotations mapping.
    pub fn from_annotations(
        annotations: Option<&serde_json::Map<String, serde_json::Value>>,
        today: Date,
    ) -> Option<Exceptions> {
        let annotations = annotations?;
        let mut ex = Exceptions::default();
        let Some(ignore) = annotations.get(ANNOTATION_IGNORE) else {
            if annotations.contains_key(ANNOTATION_UNTIL)
                || annotations.contains_key(ANNOTATION_REASON)
            {
                ex.problems.push((
                    annotation_path(ANNOTATION_UNTIL),
                    format!("`{ANNOTATION_UNTIL}` or `{ANNOTATION_REASON}` without `{ANNOTATION_IGNORE}` has no effect"),
                ));
                return Some(ex);
            }
            return None;
        };
        let Some(ignore) = ignore.as_str() else {
            ex.problems.push((
                annotation_path(ANNOTATION_IGNORE),
                "exception is not applied: annotation values are strings; list check IDs separated by commas".to_string(),
            ));
            return Some(ex);
        };
        ex.ids = ignore
            .split([',', ' ', '\n', '\t'])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if ex.ids.is_empty() {
            ex.problems.push((
                annotation_path(ANNOTATION_IGNORE),
                "exception names no check".to_string(),
            ));
            return Some(ex);
        }
        ex.reason = annotations
            .get(ANNOTATION_REASON)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .trim()
            .to_string();
        if ex.reason.is_empty() {
            ex.problems.push((
                annotation_path(ANNOTATION_IGNORE),
                format!(
                    "exception for {} is not applied: `{ANNOTATION_REASON}` is missing",
                    ignore.trim()
                ),
            ));
            ex.ids.clear();
            return Some(ex);
        }
        if let Some(until) = annotations.get(ANNOTATION_UNTIL) {
            match until.as_str().unwrap_or("").parse::<Date>() {
                Ok(date) if date < today => {
                    ex.problems.push((
                        annotation_path(ANNOTATION_UNTIL),
                        format!(
                            "exception for {} expired on {date}; its findings are reported again",
                            ignore.trim()
                        ),
                    ));
                    ex.ids.clear();
                }
                Ok(date) => ex.until = Some(date),
                Err(e) => {
                    ex.problems.push((
                        annotation_path(ANNOTATION_UNTIL),
                        format!("exception for {} is not applied: {e}", ignore.trim()),
                    ));
                    ex.ids.clear();
                }
            }
        }
        Some(ex)
    }

    pub fn covers(&self, check_id: &str) -> bool {
        self.ids.iter().any(|id| id == check_id)
    }
}
