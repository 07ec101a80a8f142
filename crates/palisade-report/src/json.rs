//! The JSON report. Its schema is documented in `docs/json-output.md` and is
//! stable: fields may be added, never renamed or removed, within a
//! `schemaVersion`.

use std::io::{self, Write};

use palisade_core::report::{ExceptionNotice, Suppressed};
use palisade_core::{
    ClusterSource, CoverageGap, Finding, InputError, ResourceId, ScanReport, Totals,
};
use serde::Serialize;

use palisade_frameworks::rollup::FrameworkRollup;

use crate::Reporter;

pub const SCHEMA_VERSION: u32 = 1;

pub struct JsonReporter {
    pub tool_version: &'static str,
    /// Indented for people; compact (and much smaller) for machines.
    pub pretty: bool,
    /// Frameworks judged from the report (`--framework`).
    pub compliance: Vec<FrameworkRollup>,
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
    /// Present for cluster and snapshot scans.
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster: Option<&'a ClusterSource>,
    not_evaluated: &'a [CoverageGap],
    /// With `--framework`: the per-control rollup.
    #[serde(skip_serializing_if = "<[FrameworkRollup]>::is_empty")]
    compliance: &'a [FrameworkRollup],
}

#[derive(Serialize)]
pub(crate) struct Tool {
    pub(crate) name: &'static str,
    pub(crate) version: &'static str,
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
    path: &'a str,
    remediation: &'static str,
    /// Stable across runs and moved lines: baselines and diffs match on it.
    fingerprint: String,
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
        severity: f.severity().as_str(),
        title: f.check.title,
        message: &f.message,
        resource: &f.resource,
        location: Location {
            file: &f.file,
            line: f.pos.line,
            column: f.pos.column,
        },
        path: &f.path,
        remediation: f.check.remediation,
        fingerprint: f.fingerprint(),
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
        if !self.pretty {
            return render_compact(self.tool_version, &self.compliance, report, out);
        }
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
            cluster: report.cluster.as_ref(),
            not_evaluated: &report.not_evaluated,
            compliance: &self.compliance,
        };
        if self.pretty {
            serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::other)?;
        } else {
            serde_json::to_writer(&mut *out, &document).map_err(io::Error::other)?;
        }
        out.write_all(b"\n")
    }
}

/// The compact form, with findings serialised in parallel: on large scans
/// the report is hundreds of megabytes and serialisation would otherwise
/// be the slowest single-threaded step.
fn render_compact(
    tool_version: &'static str,
    compliance: &[FrameworkRollup],
    report: &ScanReport,
    out: &mut dyn Write,
) -> io::Result<()> {
    let document = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "palisade",
            version: tool_version,
        },
        pss_version: &report.pss_version,
        totals: &report.totals,
        findings: Vec::new(),
        suppressed: report.suppressed.iter().map(suppressed_out).collect(),
        exception_notices: &report.exception_notices,
        errors: &report.errors,
        warnings: &report.warnings,
        cluster: report.cluster.as_ref(),
        not_evaluated: &report.not_evaluated,
        compliance,
    };
    let head = serde_json::to_vec(&document).map_err(io::Error::other)?;
    // Splice the findings into the empty array written above.
    let marker = b"\"findings\":[]";
    let at = head
        .windows(marker.len())
        .position(|w| w == marker)
        .ok_or_else(|| io::Error::other("findings array not found in the JSON header"))?
        + marker.len()
        - 1;
    out.write_all(&head[..at])?;
    crate::stream::write_parallel(&report.findings, b",", out, |f, buf| {
        serde_json::to_writer(buf, &finding_out(f)).map_err(io::Error::other)
    })?;
    out.write_all(&head[at..])?;
    out.write_all(b"\n")
}
