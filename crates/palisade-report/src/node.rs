//! Rendering a node audit ([`NodeReport`]): a table for people, grouped by
//! benchmark section with the evidence under each verdict, and JSON for
//! machines (documented in `docs/json-output.md`).

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use palisade_core::node::{NodeReport, NodeResult, NodeStatus, StatusCounts};
use palisade_frameworks::rollup::FrameworkRollup;
use serde::Serialize;

use crate::json::Tool;

fn status_style(status: NodeStatus) -> Style {
    let color = match status {
        NodeStatus::Pass => AnsiColor::Green,
        NodeStatus::Fail => AnsiColor::Red,
        NodeStatus::Manual => AnsiColor::Yellow,
        NodeStatus::NotApplicable => AnsiColor::BrightBlack,
        NodeStatus::Error => AnsiColor::Magenta,
    };
    let style = Style::new().fg_color(Some(color.into()));
    if matches!(status, NodeStatus::Fail | NodeStatus::Error) {
        style.effects(Effects::BOLD)
    } else {
        style
    }
}

/// The label in the table: short enough to align.
fn label(status: NodeStatus) -> &'static str {
    match status {
        NodeStatus::Pass => "PASS",
        NodeStatus::Fail => "FAIL",
        NodeStatus::Manual => "MANUAL",
        NodeStatus::NotApplicable => "N/A",
        NodeStatus::Error => "ERROR",
    }
}

/// Text read from the node (flag values of any local user's process, file
/// names) with control characters escaped, so that it cannot drive the
/// terminal.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

pub struct NodeTableReporter {
    pub color: bool,
}

impl NodeTableReporter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    fn write_result(&self, result: &NodeResult, out: &mut dyn Write) -> io::Result<()> {
        let dim = Style::new().effects(Effects::DIMMED);
        let status = self.paint(
            status_style(result.status),
            &format!("{:<6}", label(result.status)),
        );
        writeln!(
            out,
            "  {status} {:<8} {}",
            result.id,
            printable(&result.title)
        )?;
        let indent = "                ";
        if result.status != NodeStatus::NotApplicable {
            for line in &result.evidence {
                writeln!(out, "{indent}{}", self.paint(dim, &printable(line)))?;
            }
        }
        if let Some(reason) = &result.reason {
            if result.status == NodeStatus::Fail || result.status == NodeStatus::Error {
                writeln!(out, "{indent}{}", printable(reason))?;
            } else {
                writeln!(out, "{indent}{}", self.paint(dim, &printable(reason)))?;
            }
        }
        if let Some(fix) = &result.remediation {
            writeln!(out, "{indent}fix: {}", printable(fix))?;
        }
        Ok(())
    }

    pub fn render(&self, report: &NodeReport, out: &mut dyn Write) -> io::Result<()> {
        let bold = Style::new().effects(Effects::BOLD);
        writeln!(
            out,
            "{} {} ({})",
            self.paint(bold, "Benchmark"),
            report.benchmark.name,
            report.benchmark.reason
        )?;
        writeln!(
            out,
            "{} {} node, {} layout, root {}",
            self.paint(bold, "Node"),
            report.role,
            report.layout,
            report.root
        )?;
        for component in &report.components {
            let mut detail = vec![component.source.clone()];
            if let Some(config) = &component.config {
                detail.push(format!("config {config}"));
            }
            if let Some(version) = &component.version {
                detail.push(version.clone());
            }
            writeln!(
                out,
                "  {:<24} {}",
                component.name,
                printable(&detail.join(", "))
            )?;
        }
        for warning in &report.warnings {
            writeln!(
                out,
                "{} {}",
                self.paint(status_style(NodeStatus::Manual), "warning:"),
                printable(warning)
            )?;
        }
        let mut section = "";
        for result in &report.results {
            let id = result.id.split('.').next().unwrap_or_default();
            if id != section {
                section = id;
                let title = report
                    .sections
                    .iter()
                    .find(|s| s.id == id)
                    .map_or("", |s| s.title.as_str());
                writeln!(out)?;
                writeln!(out, "{}", self.paint(bold, &format!("[{id}] {title}")))?;
            }
            self.write_result(result, out)?;
        }
        if !report.additional_checks.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                self.paint(
                    bold,
                    "Beyond the benchmark (palisade checks, not in its totals)"
                )
            )?;
            for result in &report.additional_checks {
                self.write_result(result, out)?;
            }
        }
        writeln!(out)?;
        writeln!(out, "{}", self.paint(bold, "Summary"))?;
        for s in &report.sections {
            writeln!(
                out,
                "  {:<34} {}",
                format!("{} {}", s.id, s.title),
                self.counts(&s.counts)
            )?;
        }
        writeln!(out, "  {:<34} {}", "total", self.counts(&report.totals))?;
        let extra = additional_counts(report);
        writeln!(out, "  {:<34} {}", "palisade checks", self.counts(&extra))
    }

    fn counts(&self, counts: &StatusCounts) -> String {
        NodeStatus::ALL
            .iter()
            .map(|s| {
                let text = format!("{} {}", counts.get(*s), label(*s).to_lowercase());
                if counts.get(*s) > 0 {
                    self.paint(status_style(*s), &text)
                } else {
                    text
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub fn additional_counts(report: &NodeReport) -> StatusCounts {
    let mut counts = StatusCounts::default();
    for result in &report.additional_checks {
        counts.add(result.status);
    }
    counts
}

/// The summary line for standard error.
pub fn summary_line(report: &NodeReport) -> String {
    let t = &report.totals;
    let extra = additional_counts(report);
    format!(
        "{}: {} pass, {} fail, {} manual, {} not applicable, {} error; palisade checks: {} fail",
        report.benchmark.name, t.pass, t.fail, t.manual, t.not_applicable, t.error, extra.fail
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    schema_version: u32,
    kind: &'static str,
    tool: Tool,
    #[serde(flatten)]
    report: &'a NodeReport,
    additional_totals: StatusCounts,
    /// With `--framework`: the per-control rollup.
    #[serde(skip_serializing_if = "<[FrameworkRollup]>::is_empty")]
    compliance: &'a [FrameworkRollup],
}

pub fn render_json(
    report: &NodeReport,
    compliance: &[FrameworkRollup],
    tool_version: &'static str,
    pretty: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let document = Document {
        schema_version: crate::json::SCHEMA_VERSION,
        kind: "nodeAudit",
        tool: Tool {
            name: "palisade",
            version: tool_version,
        },
        report,
        additional_totals: additional_counts(report),
        compliance,
    };
    if pretty {
        serde_json::to_writer_pretty(&mut *out, &document)?;
    } else {
        serde_json::to_writer(&mut *out, &document)?;
    }
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("--x=\u{1b}[2Jgone"), "--x=\\u{1b}[2Jgone");
        assert_eq!(printable("plain"), "plain");
    }
}
