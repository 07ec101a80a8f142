//! Partial inputs. When a kind could not be read (a live cluster refused
//! to list it, somewhere or everywhere), the objects of that kind were
//! never judged, and the inventory checks that read it would judge the
//! rest on partial data: a namespace would seem to lack a NetworkPolicy
//! that merely could not be listed. Their findings there are withheld, and
//! the report names the gap and every check it affects, so a partial scan
//! never looks clean.

use std::collections::{HashMap, HashSet};

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

/// Where a check's findings are withheld.
#[derive(Default)]
struct Withheld<'a> {
    everywhere: bool,
    namespaces: HashSet<&'a str>,
}

impl Engine {
    /// Withholds the inventory findings that depend on what was not read,
    /// and returns the gaps with the checks they affect. Findings are
    /// filtered once, whatever the number of gaps.
    pub fn withhold(&self, outcome: &mut Outcome, unread: &[Unread]) -> Vec<CoverageGap> {
        let mut withheld: HashMap<&'static str, Withheld<'_>> = HashMap::new();
        let gaps: Vec<CoverageGap> = unread
            .iter()
            .map(|gap| {
                let affected: Vec<&'static str> = self
                    .checks()
                    .iter()
                    .map(|c| c.meta())
                    .filter(|m| m.depends_on(&gap.kind))
                    .map(|m| m.id)
                    .collect();
                for id in &affected {
                    let entry = withheld.entry(id).or_default();
                    match gap.namespace.as_deref() {
                        Some(ns) => {
                            entry.namespaces.insert(ns);
                        }
                        None => entry.everywhere = true,
                    }
                }
                CoverageGap {
                    message: gap.message.clone(),
                    kind: gap.kind.clone(),
                    namespace: gap.namespace.clone(),
                    checks: affected,
                    left_out: gap.left_out,
                }
            })
            .collect();
        if !withheld.is_empty() {
            let judged_on_partial_data = |finding: &Finding| {
                finding.check.target == Target::Inventory
                    && withheld
                        .get(finding.check.id)
                        .is_some_and(|w| w.everywhere || about_namespace(finding, &w.namespaces))
            };
            outcome.findings.retain(|f| !judged_on_partial_data(f));
            outcome
                .suppressed
                .retain(|s| !judged_on_partial_data(&s.finding));
        }
        gaps
    }
}

/// Whether a finding is about one of `namespaces`: an object in it, or
/// the Namespace itself.
fn about_namespace(finding: &Finding, namespaces: &HashSet<&str>) -> bool {
    let resource = &finding.resource;
    resource
        .namespace
        .as_deref()
        .is_some_and(|ns| namespaces.contains(ns))
        || (resource.kind == "Namespace" && namespaces.contains(resource.name.as_str()))
}
