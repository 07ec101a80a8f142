//! What evaluating some resources produced, merged into a report at the end.

use palisade_core::inventory::append_into_larger;
use palisade_core::report::{ExceptionNotice, Suppressed};
use palisade_core::{Finding, InputError, Inventory, ScanReport, Totals};

/// Partial results; cheap to merge, so each parallel task fills its own.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: usize,
    pub resources: usize,
    pub evaluations: usize,
    pub passed: usize,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    pub notices: Vec<ExceptionNotice>,
    pub errors: Vec<InputError>,
    pub warnings: Vec<InputError>,
    /// What the inventory checks will read, when any is selected.
    pub inventory: Inventory,
    /// Evaluations per selected check, by its position in the engine.
    per_check: Vec<usize>,
}

impl Outcome {
    /// Appends `other` (which comes after `self` in input order).
    pub fn merge(mut self, mut other: Outcome) -> Outcome {
        self.files += other.files;
        self.resources += other.resources;
        self.evaluations += other.evaluations;
        self.passed += other.passed;
        append_into_larger(&mut self.findings, &mut other.findings);
        self.suppressed.append(&mut other.suppressed);
        self.notices.append(&mut other.notices);
        self.errors.append(&mut other.errors);
        self.warnings.append(&mut other.warnings);
        self.inventory = std::mem::take(&mut self.inventory).merge(other.inventory);
        if self.per_check.len() < other.per_check.len() {
            std::mem::swap(&mut self.per_check, &mut other.per_check);
        }
        for (mine, theirs) in self.per_check.iter_mut().zip(other.per_check) {
            *mine += theirs;
        }
        self
    }

    pub(crate) fn count_evaluations(&mut self, slot: usize, n: usize) {
        if self.per_check.len() <= slot {
            self.per_check.resize(slot + 1, 0);
        }
        self.per_check[slot] += n;
    }

    pub(crate) fn evaluations_of(&self, slot: usize) -> usize {
        self.per_check.get(slot).copied().unwrap_or(0)
    }

    /// The final report, with findings in a stable order (file, line,
    /// column, check) whatever the order of parallel work.
    pub fn into_report(mut self, checks: usize, pss_version: String) -> ScanReport {
        // Objects read from a cluster share one source name and have no
        // positions: the resource keeps each object's findings together.
        self.findings.sort_by(|a, b| {
            (
                &*a.file,
                a.pos,
                &a.resource,
                a.check.id,
                &a.path,
                &a.message,
            )
                .cmp(&(
                    &*b.file,
                    b.pos,
                    &b.resource,
                    b.check.id,
                    &b.path,
                    &b.message,
                ))
        });
        self.suppressed.sort_by(|a, b| {
            let (a, b) = (&a.finding, &b.finding);
            (&*a.file, a.pos, &a.resource, a.check.id, &a.path).cmp(&(
                &*b.file,
                b.pos,
                &b.resource,
                b.check.id,
                &b.path,
            ))
        });
        let by_place = |a: &InputError, b: &InputError| {
            (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column))
        };
        self.errors.sort_by(by_place);
        self.warnings.sort_by(by_place);
        self.notices
            .sort_by(|a, b| (&*a.file, a.line, a.column).cmp(&(&*b.file, b.line, b.column)));
        let mut totals = Totals {
            files: self.files,
            resources: self.resources,
            checks,
            evaluations: self.evaluations,
            passed: self.passed,
            findings: self.findings.len(),
            suppressed: self.suppressed.len(),
            errors: self.errors.len(),
            warnings: self.warnings.len(),
            ..Totals::default()
        };
        for finding in &self.findings {
            totals.count_severity(finding.severity());
        }
        ScanReport {
            findings: self.findings,
            suppressed: self.suppressed,
            exception_notices: self.notices,
            errors: self.errors,
            warnings: self.warnings,
            totals,
            pss_version,
            not_evaluated: Vec::new(),
            cluster: None,
            check_runs: Vec::new(),
        }
    }
}
