//! The JSON report. Its schema is documented in `docs/json-output.md` and is
//! stable: fields may be added, never renamed or removed, within a
//! `schemaVersion`.

use std::io::{self, Write};

use palisade_core::report::{ExceptionNotice, Suppressed};
use palisade_core::{Finding, InputError, ResourceId, ScanReport, Totals};
use serde::Serialize;

use crate::Reporter;

pub const SCHEMA_VERSION: u32 = 1;

pub struct JsonReporter {
    pub tool_version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    pss_version: &'a str,
    totals: &'a Totals,
    findings: Vec<FindingOut<'a>>,
    suppressed: Vec<SuppressedOut<'a>>,
    exception_notices: &'a [ExceptionNotice],
    errors: &'a [InputError],
    warnings: &'a [InputError],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FindingOut<'a> {
    check_id: &'static str,
    slug: &'static str,
    severity: &'static str,
    title: &'static str,
    message: &'a str,
    resource: &'a ResourceId,
    location: Location<'a>,
    path: String,
    remediation: &'static str,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SuppressedOut<'a> {
    #[serde(flatten)]
    finding: FindingOut<'a>,
    exception: ExceptionOut<'a>,
}

#[derive(Serialize)]
struct ExceptionOut<'a> {
    reason: &'a str,
    until: Option<&'a str>,
}

fn finding_out(f: &Finding) -> FindingOut<'_> {
    FindingOut {
        check_id: f.check.id,
        slug: f.check.slug,
        severity: f.check.severity.as_str(),
        title: f.check.title,
        message: &f.message,
        resource: &f.resource,
        location: Location {
            file: &f.file,
            line: f.pos.line,
            column: f.pos.column,
        },
        path: f.path.to_string(),
        remediation: f.check.remediation,
    }
}

fn suppressed_out(s: &Suppressed) -> SuppressedOut<'_> {
    SuppressedOut {
        finding: finding_out(&s.finding),
        exception: ExceptionOut {
            reason: &s.reason,
            until: s.until.as_deref(),
        },
    }
}

impl Reporter for JsonReporter {
    fn render(&self, report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
        let document = Document {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "palisade",
                version: self.tool_version,
            },
            pss_version: &report.pss_version,
            totals: &report.totals,
            findings: report.findings.iter().map(finding_out).collect(),
            suppressed: report.suppressed.iter().map(suppressed_out).collect(),
            exception_notices: &report.exception_notices,
            errors: &report.errors,
            warnings: &report.warnings,
        };
        serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}
