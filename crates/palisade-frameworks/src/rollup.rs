//! A framework's controls judged from a report: the verdict of each
//! control, the resources that fail it, and a score. Manual controls are
//! listed apart and never counted as passed; a control none of whose checks
//! evaluated anything was not evaluated, not passed.

use std::collections::{BTreeMap, BTreeSet};

use palisade_core::node::{NodeReport, NodeStatus};
use palisade_core::ScanReport;
use serde::Serialize;

use crate::{Control, Framework};

/// A control's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControlStatus {
    Pass,
    Fail,
    /// The framework marks it manual, or no palisade check decides it.
    Manual,
    /// What it is about is absent (a node component, a kind of object).
    NotApplicable,
    /// Its checks did not run on this input (node controls in a manifest
    /// scan, checks withheld for lack of permission, checks not selected).
    NotEvaluated,
}

/// One resource failing a control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failing {
    pub check: String,
    /// `Deployment shop/web` or a node recommendation.
    pub resource: String,
    /// `file:line` when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlResult {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    pub status: ControlStatus,
    pub checks: Vec<String>,
    /// What fails it (for FAIL; for MANUAL, what palisade's checks found,
    /// as a hint for the reviewer): the first [`MAX_EXAMPLES`].
    pub failing: Vec<Failing>,
    /// How many findings fail it in all.
    pub failing_count: usize,
    /// Why it is MANUAL, NOT_APPLICABLE or NOT_EVALUATED.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Counts and score of one framework on one report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameworkRollup {
    pub name: String,
    pub title: String,
    pub version: String,
    pub passed: usize,
    pub failed: usize,
    pub manual: usize,
    pub not_applicable: usize,
    pub not_evaluated: usize,
    /// Passed controls out of those judged (passed + failed), in percent;
    /// absent when none was judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub controls: Vec<ControlResult>,
}

impl FrameworkRollup {
    fn new(framework: &Framework, controls: Vec<ControlResult>) -> Self {
        let count = |status| controls.iter().filter(|c| c.status == status).count();
        let (passed, failed) = (count(ControlStatus::Pass), count(ControlStatus::Fail));
        let judged = passed + failed;
        FrameworkRollup {
            name: framework.name.clone(),
            title: framework.title.clone(),
            version: framework.version.clone(),
            passed,
            failed,
            manual: count(ControlStatus::Manual),
            not_applicable: count(ControlStatus::NotApplicable),
            not_evaluated: count(ControlStatus::NotEvaluated),
            score: (judged > 0).then(|| (passed as f64 * 1000.0 / judged as f64).round() / 10.0),
            controls,
        }
    }
}

/// Failing resources listed per control; the rest are counted. A scan of
/// a large cluster has hundreds of thousands of findings, and a report
/// naming each of them under every control would be unreadable and huge.
pub const MAX_EXAMPLES: usize = 50;

/// Findings of one check: how many, and the first few.
type ByCheck<'a> = BTreeMap<&'a str, (usize, Vec<Failing>)>;

/// The failures of a control's checks: the total and the first examples.
fn failures_of(control: &Control, by_check: &ByCheck) -> (usize, Vec<Failing>) {
    let mut count = 0;
    let mut examples = Vec::new();
    for id in &control.checks {
        if let Some((n, list)) = by_check.get(id.as_str()) {
            count += n;
            let room = MAX_EXAMPLES.saturating_sub(examples.len());
            examples.extend(list.iter().take(room).cloned());
        }
    }
    (count, examples)
}

fn control_result(
    control: &Control,
    status: ControlStatus,
    (failing_count, failing): (usize, Vec<Failing>),
    reason: Option<String>,
) -> ControlResult {
    ControlResult {
        id: control.id.clone(),
        title: control.title.clone(),
        section: control.section.clone(),
        status,
        checks: control.checks.clone(),
        failing,
        failing_count,
        reason,
    }
}

/// The framework judged from a scan of manifests, a cluster or a snapshot.
pub fn rollup_scan(framework: &Framework, report: &ScanReport) -> FrameworkRollup {
    let mut by_check: ByCheck = BTreeMap::new();
    for finding in &report.findings {
        let (count, examples) = by_check.entry(finding.check.id).or_default();
        *count += 1;
        if examples.len() < MAX_EXAMPLES {
            let location =
                (finding.pos.line > 0).then(|| format!("{}:{}", finding.file, finding.pos.line));
            examples.push(Failing {
                check: finding.check.id.to_string(),
                resource: finding.resource.to_string(),
                location,
            });
        }
    }
    let evaluations: BTreeMap<&str, usize> = report
        .check_runs
        .iter()
        .map(|run| (run.id, run.evaluations))
        .collect();
    let withheld: BTreeSet<&str> = report
        .not_evaluated
        .iter()
        // Any gap withholds findings, whether the kind was unreadable or
        // left out with --kinds: neither is a pass.
        .filter(|gap| !gap.checks.is_empty())
        .flat_map(|gap| gap.checks.iter().copied())
        .collect();
    let controls = framework
        .controls
        .iter()
        .map(|control| {
            let failures = failures_of(control, &by_check);
            if control.manual || (control.checks.is_empty() && control.node.is_none()) {
                let reason = manual_reason(control, failures.0);
                return control_result(control, ControlStatus::Manual, failures, Some(reason));
            }
            if failures.0 > 0 {
                return control_result(control, ControlStatus::Fail, failures, None);
            }
            // A control passes only on all of its checks: one that did not
            // run (a node check in a scan, a check left out by --select)
            // leaves it unjudged.
            let missing: Vec<&str> = control
                .checks
                .iter()
                .map(String::as_str)
                .filter(|id| !evaluations.contains_key(id))
                .collect();
            if control.node.is_some() || !missing.is_empty() {
                let reason = match (&control.node, missing.as_slice()) {
                    (Some(node), []) => {
                        format!("decided on the node itself ({node}): run `palisade node`")
                    }
                    (Some(node), m) => format!(
                        "decided on the node itself ({node}), and {} did not run",
                        m.join(", ")
                    ),
                    (None, m) if m.len() == control.checks.len() => {
                        "none of its checks ran in this scan".to_string()
                    }
                    (None, m) => format!("{} did not run in this scan", m.join(", ")),
                };
                return control_result(
                    control,
                    ControlStatus::NotEvaluated,
                    failures,
                    Some(reason),
                );
            }
            if let Some(id) = control
                .checks
                .iter()
                .find(|id| withheld.contains(id.as_str()))
            {
                let reason =
                    format!("{id} was withheld where the scan could not read what it needs");
                return control_result(
                    control,
                    ControlStatus::NotEvaluated,
                    failures,
                    Some(reason),
                );
            }
            let evaluated: usize = control
                .checks
                .iter()
                .filter_map(|id| evaluations.get(id.as_str()))
                .sum();
            if evaluated == 0 {
                let reason = "nothing in the scan is in its scope".to_string();
                return control_result(
                    control,
                    ControlStatus::NotApplicable,
                    failures,
                    Some(reason),
                );
            }
            control_result(control, ControlStatus::Pass, failures, None)
        })
        .collect();
    FrameworkRollup::new(framework, controls)
}

fn manual_reason(control: &Control, hints: usize) -> String {
    let base = if control.manual {
        "the framework marks it manual"
    } else {
        "no palisade check decides it"
    };
    if hints > 0 {
        format!("{base}; palisade's checks for it found {hints} problem(s) to review")
    } else {
        base.to_string()
    }
}

/// The framework judged from a node audit: node recommendations and the
/// node checks (`PAL-CP-…`, `PAL-NODE-…`).
pub fn rollup_node(framework: &Framework, report: &NodeReport) -> FrameworkRollup {
    let by_id: BTreeMap<&str, &palisade_core::node::NodeResult> = report
        .results
        .iter()
        .chain(&report.additional_checks)
        .map(|r| (r.id.as_str(), r))
        .collect();
    let controls = framework
        .controls
        .iter()
        .map(|control| {
            let results: Vec<&palisade_core::node::NodeResult> = control
                .node
                .iter()
                .chain(control.checks.iter())
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .collect();
            let failures: Vec<Failing> = results
                .iter()
                .filter(|r| {
                    r.status == NodeStatus::Fail
                        || (r.status == NodeStatus::Manual && r.remediation.is_some())
                })
                .map(|r| Failing {
                    check: r.id.clone(),
                    resource: r.reason.clone().unwrap_or_else(|| r.title.clone()),
                    location: None,
                })
                .collect();
            if control.manual || (control.checks.is_empty() && control.node.is_none()) {
                let reason = manual_reason(control, failures.len());
                return control_result(
                    control,
                    ControlStatus::Manual,
                    (failures.len(), failures),
                    Some(reason),
                );
            }
            let has = |status: NodeStatus| results.iter().any(|r| r.status == status);
            // Checks a node audit does not run (scan checks) leave the
            // control unjudged unless something already failed.
            let unjudged: Vec<&str> = control
                .checks
                .iter()
                .map(String::as_str)
                .filter(|id| !by_id.contains_key(id))
                .collect();
            let (status, reason) = if results.is_empty() {
                (
                    ControlStatus::NotEvaluated,
                    Some("none of its checks is judged on a node: run `palisade scan`".to_string()),
                )
            } else if has(NodeStatus::Fail) {
                (ControlStatus::Fail, None)
            } else if !unjudged.is_empty() {
                (
                    ControlStatus::NotEvaluated,
                    Some(format!(
                        "{} is judged by `palisade scan`",
                        unjudged.join(", ")
                    )),
                )
            } else if has(NodeStatus::Error) {
                (
                    ControlStatus::NotEvaluated,
                    Some("could not be judged on this node (ERROR)".to_string()),
                )
            } else if results
                .iter()
                .all(|r| r.status == NodeStatus::NotApplicable)
            {
                (
                    ControlStatus::NotApplicable,
                    Some("not applicable on this node".to_string()),
                )
            } else if has(NodeStatus::Pass) {
                (ControlStatus::Pass, None)
            } else {
                (
                    ControlStatus::Manual,
                    Some("judged manually on the node".to_string()),
                )
            };
            let failures = if status == ControlStatus::Fail || status == ControlStatus::Manual {
                failures
            } else {
                Vec::new()
            };
            control_result(control, status, (failures.len(), failures), reason)
        })
        .collect();
    FrameworkRollup::new(framework, controls)
}
