//! The immutable result of a scan, handed to reporters.

use std::sync::Arc;

use serde::Serialize;

use crate::check::CheckMeta;
use crate::resource::ResourceId;
use crate::severity::Severity;
use crate::span::Pos;

/// One violation of one check by one object.
#[derive(Debug, Clone)]
pub struct Finding {
    pub check: &'static CheckMeta,
    /// Shared between findings with the same text (replicas of one
    /// template fail the same way).
    pub message: Arc<str>,
    pub resource: Arc<ResourceId>,
    pub file: Arc<str>,
    pub pos: Pos,
    /// The field at fault, in dotted form
    /// (`spec.containers[0].securityContext.privileged`). Shared: the same
    /// paths recur across thousands of findings.
    pub path: Arc<str>,
    /// The check's severity, or the configuration's override of it.
    pub severity: Severity,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        self.severity
    }
}

/// A finding that an exception suppressed.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    pub reason: String,
    pub until: Option<String>,
}

/// Something wrong with an exception annotation (expired, malformed,
/// unused): reported, never silently ignored.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionNotice {
    pub resource: Arc<ResourceId>,
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// An input that could not be read or understood, with where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InputError {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl InputError {
    pub fn new(file: impl Into<String>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Something the scan could not read (a kind a live cluster would not let
/// it list), and the checks whose verdicts there were withheld rather
/// than guessed from partial data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageGap {
    /// `missing permission to list secrets in kube-system`.
    pub message: String,
    pub kind: String,
    /// `None`: everywhere.
    pub namespace: Option<String>,
    /// The selected checks that depend on the kind, by ID.
    pub checks: Vec<&'static str>,
    /// Not read by the user's choice (`--kinds`): the checks are withheld
    /// all the same, but the scan is not called partial.
    pub left_out: bool,
}

impl CoverageGap {
    /// Whether it makes the scan's verdict partial: some selected check
    /// depends on what was not read, and not by the user's choice.
    pub fn makes_partial(&self) -> bool {
        !self.left_out && !self.checks.is_empty()
    }

    /// Whether a report lists it: kinds left out by choice only where a
    /// check needed them.
    pub fn worth_listing(&self) -> bool {
        !self.left_out || !self.checks.is_empty()
    }
}

/// Counts that every output prints.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    /// Files (and stdin, and rendered Kustomize directories) read.
    pub files: usize,
    /// Kubernetes objects found.
    pub resources: usize,
    /// Checks selected for this scan.
    pub checks: usize,
    /// (check, object) pairs evaluated.
    pub evaluations: usize,
    /// Evaluations without a finding.
    pub passed: usize,
    pub findings: usize,
    pub suppressed: usize,
    /// Findings left out because the `--baseline` report already had them.
    pub baselined: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Kinds (per namespace) the scan could not read: the scan is partial.
    pub not_evaluated: usize,
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl ScanReport {
    /// Leaves out the findings whose fingerprint `known` holds (a baseline),
    /// recounting the totals.
    pub fn drop_known(&mut self, known: &std::collections::HashSet<String>) {
        let before = self.findings.len();
        self.findings.retain(|f| !known.contains(&f.fingerprint()));
        let t = &mut self.totals;
        t.baselined = before - self.findings.len();
        t.findings = self.findings.len();
        (t.critical, t.high, t.medium, t.low, t.info) = (0, 0, 0, 0, 0);
        for finding in &self.findings {
            t.count_severity(finding.severity());
        }
    }
}

impl Totals {
    pub fn count_severity(&mut self, severity: Severity) {
        match severity {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }
}

/// Everything a scan produced.
#[derive(Debug, Clone, Default)]
pub struct ScanReport {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    pub exception_notices: Vec<ExceptionNotice>,
    pub errors: Vec<InputError>,
    /// Things worth knowing that do not make the scan incomplete, such as
    /// documents that are not Kubernetes objects.
    pub warnings: Vec<InputError>,
    pub totals: Totals,
    /// The Pod Security Standards version the PSS checks evaluated.
    pub pss_version: String,
    /// What was not read, when scanning a live cluster or a snapshot.
    pub not_evaluated: Vec<CoverageGap>,
    /// The cluster scanned (`cluster:prod`, `v1.30.2`), when not files.
    pub cluster: Option<ClusterSource>,
    /// Every selected check and how many subjects it evaluated: a check
    /// that evaluated nothing had nothing in scope, which is not a pass.
    pub check_runs: Vec<CheckRun>,
}

/// One selected check's share of the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckRun {
    pub id: &'static str,
    pub evaluations: usize,
}

/// The cluster a report is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSource {
    /// What findings name as their file: `cluster:<context>`.
    pub source: String,
    pub server: String,
    pub version: Option<String>,
    /// Set when the report was made from a snapshot file.
    pub snapshot: Option<String>,
}

impl Finding {
    /// A stable identity for the finding across runs and commits: the
    /// check, the object (kind, namespace, name), the field and, for
    /// manifests, the file (two overlays may each hold `Deployment
    /// shop/web`), never the position, which moves when lines are added
    /// above. Baselines and SARIF's `partialFingerprints` use it.
    pub fn fingerprint(&self) -> String {
        let r = &self.resource;
        let file = (self.pos.line > 0).then_some(&*self.file);
        fingerprint(
            self.check.id,
            &r.kind,
            r.namespace.as_deref(),
            &r.name,
            &self.path,
            file,
        )
    }
}

/// The fingerprint of a finding from its parts, as [`Finding::fingerprint`]
/// computes it (also from a JSON report written earlier). `file` is the
/// manifest's path as given (`./` dropped); objects read from a cluster
/// have none.
pub fn fingerprint(
    check: &str,
    kind: &str,
    namespace: Option<&str>,
    name: &str,
    path: &str,
    file: Option<&str>,
) -> String {
    // FNV-1a, 64 bits: stable across platforms and releases, unlike the
    // standard library's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let file = file.map(|f| f.trim_start_matches("./"));
    let parts = [check, kind, namespace.unwrap_or(""), name, path];
    for part in parts.into_iter().chain(file) {
        for byte in part.bytes().chain(std::iter::once(0u8)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
