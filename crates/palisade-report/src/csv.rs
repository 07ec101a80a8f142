//! CSV (RFC 4180), one row per finding, for spreadsheets and ad-hoc
//! queries. Cells a spreadsheet would run as formulas are neutralised.

use std::io::{self, Write};

use palisade_core::ScanReport;

use crate::Reporter;

pub struct CsvReporter;

const HEADER: [&str; 14] = [
    "check_id",
    "severity",
    "title",
    "kind",
    "namespace",
    "name",
    "file",
    "line",
    "column",
    "path",
    "message",
    "remediation",
    "fingerprint",
    "api_version",
];

/// One cell: quoted when it holds a separator, a quote or a line break;
/// prefixed with `'` when it starts like a formula (`=`, `+`, `-`, `@`),
/// since messages quote values taken from the scanned files.
pub fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

impl Reporter for CsvReporter {
    fn render(&self, report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "{}\r\n", HEADER.join(","))?;
        crate::stream::write_parallel(&report.findings, b"", out, |f, buf| {
            let r = &f.resource;
            let line = f.pos.line.to_string();
            let column = f.pos.column.to_string();
            let fingerprint = f.fingerprint();
            let row = [
                f.check.id,
                f.severity().as_str(),
                f.check.title,
                &r.kind,
                r.namespace.as_deref().unwrap_or(""),
                &r.name,
                &f.file,
                &line,
                &column,
                &f.path,
                &f.message,
                f.check.remediation,
                &fingerprint,
                &r.api_version,
            ];
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            write!(buf, "{}\r\n", cells.join(","))
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
    }
}
