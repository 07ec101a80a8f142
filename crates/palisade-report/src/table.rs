//! The terminal report: findings grouped by resource, coloured severities,
//! then input errors, warnings and exception notices, and a summary line
//! that always says how much was evaluated.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use palisade_core::{CoverageGap, Finding, InputError, ScanReport, Severity};

use palisade_frameworks::rollup::{ControlStatus, FrameworkRollup};

use crate::Reporter;

pub struct TableReporter {
    pub color: bool,
    /// Frameworks judged from the report (`--framework`), summarised at
    /// the end.
    pub compliance: Vec<FrameworkRollup>,
}

fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Critical => AnsiColor::Magenta,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Blue,
        Severity::Info => AnsiColor::Cyan,
    };
    let style = Style::new().fg_color(Some(color.into()));
    if severity >= Severity::High {
        style.effects(Effects::BOLD)
    } else {
        style
    }
}

impl TableReporter {
    fn write_compliance(&self, f: &FrameworkRollup, out: &mut dyn Write) -> io::Result<()> {
        let bold = Style::new().effects(Effects::BOLD);
        let score = f
            .score
            .map_or("no control judged".to_string(), |s| format!("{s}%"));
        writeln!(
            out,
            "{} {} {}: {score} ({} passed, {} failed; {} manual, {} not applicable, {} not evaluated)",
            self.paint(bold, "Compliance"),
            f.name,
            f.version,
            f.passed,
            f.failed,
            f.manual,
            f.not_applicable,
            f.not_evaluated
        )?;
        for control in f
            .controls
            .iter()
            .filter(|c| c.status == ControlStatus::Fail)
        {
            writeln!(
                out,
                "  FAIL  {:<10} {} ({} failing)",
                control.id, control.title, control.failing_count
            )?;
        }
        Ok(())
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    fn write_findings(&self, findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
        let bold = Style::new().effects(Effects::BOLD);
        let dim = Style::new().effects(Effects::DIMMED);
        // Findings are sorted by file and position, and objects occupy
        // disjoint line ranges, so each resource's findings are one run.
        for group in findings.chunk_by(|a, b| a.file == b.file && a.resource == b.resource) {
            let first = &group[0];
            let first_line = group.iter().map(|f| f.pos.line).min().unwrap_or(0);
            // Line 0: an object read from a cluster, which has no lines;
            // its findings show the field instead.
            let place = if first_line == 0 {
                first.file.to_string()
            } else {
                format!("{}:{first_line}", first.file)
            };
            writeln!(
                out,
                "{}  {}",
                self.paint(bold, &first.resource.to_string()),
                self.paint(dim, &place)
            )?;
            for f in group {
                let severity = format!("{:<8}", f.severity().as_str().to_ascii_uppercase());
                let severity = self.paint(severity_style(f.severity()), &severity);
                if f.pos.line == 0 {
                    writeln!(
                        out,
                        "  {severity}  {}  {}  ({})",
                        f.check.id, f.message, f.path
                    )?;
                } else {
                    writeln!(
                        out,
                        "  {severity}  {}  {:>4}:{:<3}  {}",
                        f.check.id, f.pos.line, f.pos.column, f.message
                    )?;
                }
            }
            writeln!(out)?;
        }
        Ok(())
    }

    fn write_located(
        &self,
        heading: &str,
        items: &[InputError],
        style: Style,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        writeln!(out, "{}", self.paint(style, heading))?;
        for item in items {
            writeln!(out, "  {item}")?;
        }
        writeln!(out)
    }
}

/// The one-line summary shared by the table and by `--quiet` style outputs.
pub fn summary_line(report: &ScanReport) -> String {
    let t = &report.totals;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let source = match &report.cluster {
        Some(cluster) => match &cluster.snapshot {
            Some(file) => format!("snapshot {file} of {}", cluster.source),
            None => cluster.source.clone(),
        },
        None => plural(t.files, "file", "files"),
    };
    let partial = if report.not_evaluated.iter().any(CoverageGap::makes_partial) {
        format!(
            "; INCOMPLETE: {} not read",
            plural(t.not_evaluated, "kind", "kinds")
        )
    } else if t.not_evaluated > 0 {
        format!(
            "; {} not read (no selected check depends on them)",
            plural(t.not_evaluated, "kind", "kinds")
        )
    } else {
        String::new()
    };
    let baselined = if t.baselined > 0 {
        format!(" new ({} known from the baseline)", t.baselined)
    } else {
        String::new()
    };
    format!(
        "Scanned {source}, {} with {} ({}, {} passed): {}{baselined} ({} critical, {} high, {} medium, {} low, {} info), {} suppressed, {}, {}{partial}",
        plural(t.resources, "resource", "resources"),
        plural(t.checks, "check", "checks"),
        plural(t.evaluations, "evaluation", "evaluations"),
        t.passed,
        plural(t.findings, "finding", "findings"),
        t.critical,
        t.high,
        t.medium,
        t.low,
        t.info,
        t.suppressed,
        plural(t.errors, "input error", "input errors"),
        plural(t.warnings, "warning", "warnings"),
    )
}

impl Reporter for TableReporter {
    fn render(&self, report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
        self.write_findings(&report.findings, out)?;
        let red = Style::new()
            .fg_color(Some(AnsiColor::Red.into()))
            .effects(Effects::BOLD);
        let yellow = Style::new().fg_color(Some(AnsiColor::Yellow.into()));
        self.write_located("Input errors:", &report.errors, red, out)?;
        self.write_located("Warnings:", &report.warnings, yellow, out)?;
        if !report.exception_notices.is_empty() {
            writeln!(out, "{}", self.paint(yellow, "Exceptions:"))?;
            for n in &report.exception_notices {
                writeln!(
                    out,
                    "  {}:{}:{}: {} ({})",
                    n.file, n.line, n.column, n.message, n.resource
                )?;
            }
            writeln!(out)?;
        }
        if !report.not_evaluated.is_empty() {
            writeln!(out, "{}", self.paint(red, "Not evaluated:"))?;
            for gap in &report.not_evaluated {
                let checks = match gap.checks.len() {
                    0 => "no selected check depends on it".to_string(),
                    n if n <= 6 => format!("withheld: {}", gap.checks.join(", ")),
                    n => format!("withheld: {}, … ({n} checks)", gap.checks[..5].join(", ")),
                };
                writeln!(out, "  not evaluated: {} ({checks})", gap.message)?;
            }
            writeln!(out)?;
        }
        writeln!(out, "{}", summary_line(report))?;
        for f in &self.compliance {
            self.write_compliance(f, out)?;
        }
        Ok(())
    }
}
