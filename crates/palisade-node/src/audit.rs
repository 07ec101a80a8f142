//! From a discovered node and a benchmark to the report.

use std::collections::BTreeMap;

use palisade_core::node::{BenchmarkChoice, NodeComponent, NodeReport, NodeResult};

use crate::benchmark::evaluate::with_component;
use crate::benchmark::{self, evaluate, Benchmark, Outcome};
use crate::deep::{self, NodeCheck};
use crate::model::{ComponentKind, Node};

/// Which benchmark to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// The one written for the node's Kubernetes version.
    Auto {
        kubernetes_version: Option<String>,
    },
    Named(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error("unknown benchmark {name:?}; known: {known}")]
    UnknownBenchmark { name: String, known: String },
    #[error("{text:?} is not a Kubernetes version (expected e.g. 1.30 or v1.30.2)")]
    BadVersion { text: String },
}

/// `v1.30.2`, `1.30`, `1.30+k3s1` → 30.
pub fn minor_version(text: &str) -> Option<u32> {
    let text = text.trim().strip_prefix('v').unwrap_or(text.trim());
    let mut parts = text.split('.');
    if parts.next()? != "1" {
        return None;
    }
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    minor.parse().ok()
}

/// The benchmark to apply, and the sentence saying why.
pub fn choose(
    node: &Node,
    selection: &Selection,
) -> Result<(Benchmark, BenchmarkChoice), SelectionError> {
    let (benchmark, reason) = match selection {
        Selection::Named(name) => {
            let benchmark =
                benchmark::by_name(name).ok_or_else(|| SelectionError::UnknownBenchmark {
                    name: name.clone(),
                    known: benchmark::all()
                        .iter()
                        .map(|b| b.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            (benchmark, "chosen with --benchmark".to_string())
        }
        Selection::Auto { kubernetes_version } => {
            let (version, origin) = match kubernetes_version {
                Some(v) => (Some(v.clone()), "given with --kubernetes-version"),
                None => (
                    node.kubernetes_version().map(str::to_string),
                    "detected from the control-plane images",
                ),
            };
            match version {
                None => {
                    let newest = benchmark::all().swap_remove(0);
                    let reason = format!(
                        "Kubernetes version not detected (no control-plane image tag); using the newest benchmark, {} (choose with --benchmark or --kubernetes-version)",
                        newest.name
                    );
                    (newest, reason)
                }
                Some(version) => {
                    let minor = minor_version(&version).ok_or(SelectionError::BadVersion {
                        text: version.clone(),
                    })?;
                    let (benchmark, fits) = benchmark::for_version(minor);
                    let written_for = format_range(benchmark.kubernetes);
                    let reason = if fits {
                        format!(
                            "Kubernetes {version} ({origin}); {} is written for {written_for}",
                            benchmark.name
                        )
                    } else {
                        format!(
                            "Kubernetes {version} ({origin}); no benchmark palisade knows is written for it, using {} (written for {written_for})",
                            benchmark.name
                        )
                    };
                    (benchmark, reason)
                }
            }
        }
    };
    let choice = BenchmarkChoice {
        name: benchmark.name.to_string(),
        version: benchmark.version.to_string(),
        reason,
    };
    Ok((benchmark, choice))
}

fn format_range((low, high): (u32, u32)) -> String {
    if low == high {
        format!("Kubernetes 1.{low}")
    } else {
        format!("Kubernetes 1.{low} to 1.{high}")
    }
}

fn result(id: &str, title: &str, automated: bool, outcome: Outcome) -> NodeResult {
    NodeResult {
        id: id.to_string(),
        title: title.to_string(),
        status: outcome.status,
        automated,
        evidence: outcome.evidence,
        reason: outcome.reason,
        remediation: outcome.remediation,
    }
}

fn run_check(node: &Node, check: &NodeCheck) -> Outcome {
    match check.component {
        Some(kind) => with_component(node, kind, |_| (check.judge)(node)),
        None => (check.judge)(node),
    }
}

/// Judges every recommendation, and palisade's own node checks.
pub fn audit(node: &Node, benchmark: &Benchmark, choice: BenchmarkChoice) -> NodeReport {
    let results: Vec<NodeResult> = benchmark
        .recommendations
        .iter()
        .map(|r| result(r.id, r.title, r.automated, evaluate(r, node)))
        .collect();
    let additional_checks = deep::CHECKS
        .iter()
        .map(|c| result(c.id, c.title, true, run_check(node, c)))
        .collect();
    let titles: BTreeMap<&str, &str> = benchmark.sections.iter().copied().collect();
    let (sections, totals) = NodeReport::summarize(&results, &titles);
    let mut components: Vec<NodeComponent> = node
        .components
        .values()
        .map(|c| NodeComponent {
            name: c.kind.binary().to_string(),
            source: c.source.to_string(),
            manifest: c.manifest.clone(),
            config: c.config.as_ref().map(|config| match config {
                Ok(file) => file.path.clone(),
                Err(reason) => format!("unusable: {reason}"),
            }),
            version: c.image_version.clone(),
        })
        .collect();
    for broken in node.broken.values() {
        components.push(NodeComponent {
            name: broken.kind.binary().to_string(),
            source: format!("unreadable: {}", broken.reason),
            manifest: None,
            config: None,
            version: None,
        });
    }
    NodeReport {
        benchmark: choice,
        root: node.fs.root().display().to_string(),
        layout: node.layout.name.to_string(),
        role: if node.is_control_plane() {
            "control-plane"
        } else if node.component(ComponentKind::Kubelet).is_some() {
            "worker"
        } else {
            "unknown"
        }
        .to_string(),
        components,
        results,
        additional_checks,
        sections,
        totals,
        warnings: node.warnings.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_as_kubernetes_writes_them() {
        assert_eq!(minor_version("v1.30.2"), Some(30));
        assert_eq!(minor_version("1.28"), Some(28));
        assert_eq!(minor_version("v1.29.3+k3s1"), Some(29));
        assert_eq!(minor_version("2.0"), None);
        assert_eq!(minor_version("latest"), None);
    }
}
