//! JUnit XML, as CI systems display test results: one test suite per
//! selected check, one failing test case per finding (message, resource
//! and location), and one passing case for what the check evaluated
//! without a finding.

use std::collections::BTreeMap;
use std::io::{self, Write};

use palisade_core::{CheckMeta, Finding, ScanReport};

use crate::Reporter;

pub struct JunitReporter {
    /// The checks that ran, each a suite even without findings.
    pub checks: Vec<&'static CheckMeta>,
}

/// Text escaped for XML content and attributes; characters XML 1.0 cannot
/// hold at all are replaced.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn location(finding: &Finding) -> String {
    if finding.pos.line > 0 {
        format!(
            "{}:{}:{}",
            finding.file, finding.pos.line, finding.pos.column
        )
    } else {
        finding.file.to_string()
    }
}

impl Reporter for JunitReporter {
    fn render(&self, report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
        let mut metas: BTreeMap<&str, &CheckMeta> =
            self.checks.iter().map(|m| (m.id, *m)).collect();
        let mut by_check: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for finding in &report.findings {
            metas.entry(finding.check.id).or_insert(finding.check);
            by_check.entry(finding.check.id).or_default().push(finding);
        }
        let evaluations: BTreeMap<&str, usize> = report
            .check_runs
            .iter()
            .map(|r| (r.id, r.evaluations))
            .collect();
        let total_failures = report.findings.len();
        // Evaluations count objects, findings count problems (one object
        // may have several): what passed is the evaluated objects without
        // any finding. Suppressed findings' objects count as passing.
        let failing_objects = |id: &str| {
            let mut objects: Vec<&palisade_core::ResourceId> = by_check
                .get(id)
                .into_iter()
                .flatten()
                .map(|f| &*f.resource)
                .collect();
            objects.sort();
            objects.dedup();
            objects.len()
        };
        let passing_of = |id: &str| {
            evaluations
                .get(id)
                .copied()
                .unwrap_or(0)
                .saturating_sub(failing_objects(id))
        };
        // A check's cases: its failures, plus one for what passed (or one
        // skipped case when nothing was in scope).
        let extra_case = |id: &str| {
            let evaluated = evaluations.get(id).copied().unwrap_or(0);
            usize::from(evaluated == 0 || passing_of(id) > 0)
        };
        let total_tests: usize = metas
            .keys()
            .map(|id| by_check.get(id).map_or(0, Vec::len) + extra_case(id))
            .sum::<usize>()
            + report.errors.len();
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="palisade" tests="{total_tests}" failures="{total_failures}" errors="{}">"#,
            report.errors.len()
        )?;
        for (id, meta) in &metas {
            let findings = by_check.get(id).map(Vec::as_slice).unwrap_or_default();
            let evaluated = evaluations.get(id).copied().unwrap_or(0);
            writeln!(
                out,
                r#"  <testsuite name="{id} {}" tests="{}" failures="{}" errors="0" skipped="{}">"#,
                xml_escape(meta.title),
                findings.len() + extra_case(id),
                findings.len(),
                usize::from(evaluated == 0),
            )?;
            crate::stream::write_parallel(findings, b"", out, |finding, buf| {
                writeln!(
                    buf,
                    r#"    <testcase classname="{id}" name="{}" file="{}" line="{}">"#,
                    xml_escape(&format!("{} {}", finding.resource, finding.path)),
                    xml_escape(&finding.file),
                    finding.pos.line,
                )?;
                writeln!(
                    buf,
                    r#"      <failure message="{}" type="{}">{}&#10;{}&#10;remediation: {}</failure>"#,
                    xml_escape(&finding.message),
                    finding.severity().as_str(),
                    xml_escape(&location(finding)),
                    xml_escape(&format!("{}: {}", finding.resource, finding.message)),
                    xml_escape(meta.remediation),
                )?;
                writeln!(buf, "    </testcase>")
            })?;
            // The subjects the check evaluated without a finding, as one case;
            // a check nothing was in scope for is skipped, not passed.
            let passing = passing_of(id);
            if evaluated == 0 {
                writeln!(
                    out,
                    r#"    <testcase classname="{id}" name="nothing in scope"><skipped message="no object this check applies to"/></testcase>"#
                )?;
            } else if passing > 0 {
                writeln!(
                    out,
                    r#"    <testcase classname="{id}" name="{passing} of {evaluated} evaluated without a finding"/>"#
                )?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        // Inputs that could not be read: each an error, so CI shows them.
        if !report.errors.is_empty() {
            writeln!(
                out,
                r#"  <testsuite name="input errors" tests="{0}" failures="0" errors="{0}" skipped="0">"#,
                report.errors.len()
            )?;
            for error in &report.errors {
                writeln!(
                    out,
                    r#"    <testcase classname="input" name="{}"><error message="{}"/></testcase>"#,
                    xml_escape(&error.file),
                    xml_escape(&error.to_string())
                )?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::xml_escape;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            xml_escape("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;\u{FFFD}"
        );
    }
}
