//! Partial inputs. When a kind could not be read (a live cluster refused
//! to list it, somewhere or everywhere), the objects of that kind were
//! never judged, and the inventory checks that read it would judge the
//! rest on partial data: a namespace would seem to lack a NetworkPolicy
//! that merely could not be listed. Their findings there are withheld, and
//! the report names the gap and every check it affects, so a partial scan
//! never looks clean.

use palisade_core::{CoverageGap, Finding, Target};

use crate::{Engine, Outcome};

/// A kind that was not read, everywhere (`namespace: None`) or in one
/// namespace.
#[derive(Debug, Clone)]
pub struct Unread {
    pub kind: String,
    pub namespace: Option<String>,
    /// How the report says it (`missing permission to list …`).
    pub message: String,
    /// Left out by choice (`--kinds`) rather than unreadable.
    pub left_out: bool,
}

impl Engine {
    /// Withholds the inventory findings that depend on what was not read,
    /// and returns the gaps with the checks they affect.
    pub fn withhold(&self, outcome: &mut Outcome, unread: &[Unread]) -> Vec<CoverageGap> {
        let mut gaps = Vec::with_capacity(unread.len());
        for gap in unread {
            let affected: Vec<&'static str> = self
                .checks()
                .iter()
                .map(|c| c.meta())
                .filter(|m| m.depends_on(&gap.kind))
                .map(|m| m.id)
                .collect();
            let judged_on_partial_data = |finding: &Finding| {
                finding.check.target == Target::Inventory
                    && affected.contains(&finding.check.id)
                    && in_scope(finding, gap.namespace.as_deref())
            };
            outcome.findings.retain(|f| !judged_on_partial_data(f));
            outcome
                .suppressed
                .retain(|s| !judged_on_partial_data(&s.finding));
            gaps.push(CoverageGap {
                message: gap.message.clone(),
                kind: gap.kind.clone(),
                namespace: gap.namespace.clone(),
                checks: affected,
                left_out: gap.left_out,
            });
        }
        gaps
    }
}

/// Whether a finding is about the namespace of a gap: an object in it, or
/// the Namespace itself. A gap everywhere covers every finding.
fn in_scope(finding: &Finding, namespace: Option<&str>) -> bool {
    let Some(namespace) = namespace else {
        return true;
    };
    let resource = &finding.resource;
    resource.namespace.as_deref() == Some(namespace)
        || (resource.kind == "Namespace" && resource.name == namespace)
}
