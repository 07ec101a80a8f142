//! The result of a node audit against the CIS Kubernetes Benchmark: one
//! verdict per recommendation, with the evidence it rests on.

use std::collections::BTreeMap;

use serde::Serialize;

/// A recommendation's verdict on one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NodeStatus {
    Pass,
    Fail,
    /// The benchmark marks it manual: a person must judge. Never a pass.
    Manual,
    /// The component or file it is about is absent from this node.
    NotApplicable,
    /// It could not be judged (unreadable file, malformed configuration).
    Error,
}

impl NodeStatus {
    pub const ALL: [NodeStatus; 5] = [
        NodeStatus::Pass,
        NodeStatus::Fail,
        NodeStatus::Manual,
        NodeStatus::NotApplicable,
        NodeStatus::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeStatus::Pass => "PASS",
            NodeStatus::Fail => "FAIL",
            NodeStatus::Manual => "MANUAL",
            NodeStatus::NotApplicable => "NOT_APPLICABLE",
            NodeStatus::Error => "ERROR",
        }
    }
}

/// One recommendation's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeResult {
    /// The CIS number (`1.2.1`), or a palisade ID for checks beyond it.
    pub id: String,
    pub title: String,
    pub status: NodeStatus,
    /// Whether the benchmark marks it automated.
    pub automated: bool,
    /// What was found: flags with their values and origin, files with
    /// their mode and owner.
    pub evidence: Vec<String>,
    /// For FAIL, NOT_APPLICABLE and ERROR: why, in one sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For FAIL: what to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
}

/// How many results of each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    pub pass: usize,
    pub fail: usize,
    pub manual: usize,
    pub not_applicable: usize,
    pub error: usize,
}

impl StatusCounts {
    pub fn add(&mut self, status: NodeStatus) {
        *match status {
            NodeStatus::Pass => &mut self.pass,
            NodeStatus::Fail => &mut self.fail,
            NodeStatus::Manual => &mut self.manual,
            NodeStatus::NotApplicable => &mut self.not_applicable,
            NodeStatus::Error => &mut self.error,
        } += 1;
    }

    pub fn get(&self, status: NodeStatus) -> usize {
        match status {
            NodeStatus::Pass => self.pass,
            NodeStatus::Fail => self.fail,
            NodeStatus::Manual => self.manual,
            NodeStatus::NotApplicable => self.not_applicable,
            NodeStatus::Error => self.error,
        }
    }

    pub fn total(&self) -> usize {
        NodeStatus::ALL.iter().map(|s| self.get(*s)).sum()
    }
}

/// The counts of one top-level section of the benchmark (`1` control
/// plane components, `4` worker nodes, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SectionSummary {
    pub id: String,
    pub title: String,
    #[serde(flatten)]
    pub counts: StatusCounts,
}

/// Which benchmark was applied, and why that one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenchmarkChoice {
    /// `cis-1.10`.
    pub name: String,
    /// The benchmark document's version (`1.10.0`).
    pub version: String,
    /// `chosen with --benchmark`, or the detected Kubernetes version.
    pub reason: String,
}

/// A component the audit found, and where its settings were read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeComponent {
    pub name: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The whole audit of one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeReport {
    pub benchmark: BenchmarkChoice,
    /// The root the node was read from (`/` on the node itself).
    pub root: String,
    /// `kubeadm` or `rke2`.
    pub layout: String,
    /// `control-plane` or `worker`.
    pub role: String,
    pub components: Vec<NodeComponent>,
    /// One entry per recommendation of the benchmark, in its order.
    pub results: Vec<NodeResult>,
    /// palisade's judgements of the files the flags point to (audit
    /// policy, encryption configuration, kubeconfigs), beyond the
    /// benchmark and not counted in its totals.
    pub additional_checks: Vec<NodeResult>,
    pub sections: Vec<SectionSummary>,
    pub totals: StatusCounts,
    pub warnings: Vec<String>,
}

impl NodeReport {
    /// Per-section and overall counts of `results`, sections named by
    /// `titles` (`"1"` → `"Control Plane Components"`).
    pub fn summarize(
        results: &[NodeResult],
        titles: &BTreeMap<&str, &str>,
    ) -> (Vec<SectionSummary>, StatusCounts) {
        let mut sections: Vec<SectionSummary> = Vec::new();
        let mut totals = StatusCounts::default();
        for result in results {
            let section = result.id.split('.').next().unwrap_or_default();
            if sections.last().is_none_or(|s| s.id != section) {
                sections.push(SectionSummary {
                    id: section.to_string(),
                    title: titles.get(section).copied().unwrap_or_default().to_string(),
                    counts: StatusCounts::default(),
                });
            }
            if let Some(last) = sections.last_mut() {
                last.counts.add(result.status);
            }
            totals.add(result.status);
        }
        (sections, totals)
    }
}
