//! A Markdown summary for pull-request comments: the verdict, counts by
//! severity, and the most severe findings with where they are, kept short
//! enough for a comment.

use std::io::{self, Write};

use palisade_core::{ScanReport, Severity};

use crate::Reporter;

pub struct MarkdownReporter {
    /// Findings listed before the rest are only counted.
    pub max_rows: usize,
}

impl Default for MarkdownReporter {
    fn default() -> Self {
        MarkdownReporter { max_rows: 50 }
    }
}

/// Text safe inside a table cell: pipes, backticks, angle brackets and
/// line breaks would break the table or inject markup.
pub fn md_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // `@` and `#` would mention people and link issues in a
            // pull-request comment.
            '*' | '_' | '[' | ']' | '@' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl Reporter for MarkdownReporter {
    fn render(&self, report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
        let t = &report.totals;
        let verdict = if t.findings == 0 {
            "no findings"
        } else {
            "findings"
        };
        writeln!(out, "## palisade: {verdict}")?;
        writeln!(out)?;
        writeln!(
            out,
            "{} resources in {} files, {} checks, {} evaluations ({} passed).",
            t.resources, t.files, t.checks, t.evaluations, t.passed
        )?;
        writeln!(out)?;
        writeln!(out, "| severity | findings |")?;
        writeln!(out, "|---|---:|")?;
        for (severity, count) in [
            (Severity::Critical, t.critical),
            (Severity::High, t.high),
            (Severity::Medium, t.medium),
            (Severity::Low, t.low),
            (Severity::Info, t.info),
        ] {
            writeln!(out, "| {} | {count} |", severity.as_str())?;
        }
        if t.suppressed > 0 || t.errors > 0 || t.not_evaluated > 0 {
            writeln!(out)?;
            writeln!(
                out,
                "{} suppressed by exceptions, {} input errors, {} kinds not evaluated.",
                t.suppressed, t.errors, t.not_evaluated
            )?;
        }
        if report.findings.is_empty() {
            return Ok(());
        }
        let mut findings: Vec<_> = report.findings.iter().collect();
        // Most severe first; within a severity, in file order.
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity()));
        writeln!(out)?;
        writeln!(out, "| severity | check | resource | where | problem |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for f in findings.iter().take(self.max_rows) {
            let place = if f.pos.line > 0 {
                format!("{}:{}", f.file, f.pos.line)
            } else {
                f.path.to_string()
            };
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                f.severity().as_str(),
                f.check.id,
                md_cell(&f.resource.to_string()),
                md_cell(&place),
                md_cell(&f.message),
            )?;
        }
        if findings.len() > self.max_rows {
            writeln!(out)?;
            writeln!(
                out,
                "… and {} more findings.",
                findings.len() - self.max_rows
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::md_cell;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(md_cell("a|b\n<script>"), "a\\|b &lt;script&gt;");
        assert_eq!(md_cell("@team #12"), "\\@team \\#12");
    }
}
