//! Dispatching checks to resources by target, and turning failures into
//! located findings.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use palisade_core::check::{Failure, InventoryFailure};
use palisade_core::inventory::{is_workload_kind, PssFailure};
use palisade_core::report::CheckRun;

use crate::policy::Policy;
use palisade_core::report::{ExceptionNotice, Suppressed};
use palisade_core::span::{hash_segments, ROOT_HASH};
use palisade_core::{Check, CheckContext, Finding, PodSpecView, Resource, Settings, Target};
use palisade_core::{FieldPath, InputError, Inventory, InventoryContext, PssLevel, Workload};
use rayon::prelude::*;

use crate::exceptions::Exceptions;
use crate::outcome::Outcome;

/// Distinct paths remembered per worker thread; beyond this, paths are
/// built afresh (hostile input cannot grow the cache without bound).
const PATH_CACHE_LIMIT: usize = 16_384;

thread_local! {
    static PATHS: RefCell<HashMap<u64, Arc<str>>> = RefCell::new(HashMap::new());
    static MESSAGES: RefCell<HashMap<String, Arc<str>>> = RefCell::new(HashMap::new());
}

/// A Pod Security failure message, shared between the workloads that fail
/// the same way (replicas of one template, the same container names):
/// the inventory keeps one per workload and failure, 100,000s of them.
fn intern_message(message: &str) -> Arc<str> {
    MESSAGES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.get(message) {
            return Arc::clone(hit);
        }
        let text: Arc<str> = Arc::from(message);
        if cache.len() < PATH_CACHE_LIMIT {
            cache.insert(message.to_string(), Arc::clone(&text));
        }
        text
    })
}

/// The dotted form of `path`, shared between findings with the same path.
/// Keyed by the 64-bit path hash also used for source positions.
fn intern_path(path: &FieldPath) -> Arc<str> {
    let key = hash_segments(ROOT_HASH, path.segments());
    PATHS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.get(&key) {
            return Arc::clone(hit);
        }
        let text: Arc<str> = Arc::from(path.to_dotted());
        if cache.len() < PATH_CACHE_LIMIT {
            cache.insert(key, Arc::clone(&text));
        }
        text
    })
}

/// Selected checks indexed by target, plus the settings they read.
pub struct Engine {
    checks: Vec<&'static dyn Check>,
    pod_checks: Vec<&'static dyn Check>,
    /// Each pod check's position in `checks`, where its evaluations are
    /// counted.
    pod_slots: Vec<usize>,
    object_checks: Vec<(&'static [&'static str], &'static dyn Check, usize)>,
    inventory_checks: Vec<(&'static dyn Check, usize)>,
    /// For each pod check, whether it is a Pod Security check (and whether
    /// it counts at baseline and at restricted): its failures then give the
    /// inventory each workload's verdict, without a second run.
    pod_check_pss: Vec<Option<[bool; 2]>>,
    /// The Pod Security checks that are not selected pod checks, run for
    /// the inventory only.
    pss_unselected: Vec<(&'static dyn Check, [bool; 2])>,
    /// Keep the inventory even without inventory checks (for queries).
    collect_inventory: bool,
    settings: Settings,
    /// Every check an exception may name: (ID, slug).
    known: Vec<(&'static str, &'static str)>,
    /// Exceptions and severity overrides of the configuration file.
    policy: Policy,
}

impl Engine {
    pub fn new(checks: Vec<&'static dyn Check>, settings: Settings) -> Engine {
        let mut pod_checks = Vec::new();
        let mut pod_slots = Vec::new();
        let mut object_checks = Vec::new();
        let mut inventory_checks = Vec::new();
        for (slot, &check) in checks.iter().enumerate() {
            match check.meta().target {
                Target::PodSpec => {
                    pod_checks.push(check);
                    pod_slots.push(slot);
                }
                Target::Object(kinds) => object_checks.push((kinds, check, slot)),
                Target::Inventory => inventory_checks.push((check, slot)),
            }
        }
        let known = checks
            .iter()
            .map(|c| (c.meta().id, c.meta().slug))
            .collect();
        Engine {
            checks,
            pod_checks,
            pod_slots,
            object_checks,
            inventory_checks,
            pod_check_pss: Vec::new(),
            pss_unselected: Vec::new(),
            collect_inventory: false,
            settings,
            known,
            policy: Policy::default(),
        }
    }

    /// Applies the configuration file's exceptions and severity overrides.
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Engine {
        self.policy = policy;
        self
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Lets exceptions name any check of `catalogue` (by ID or slug), not
    /// only the selected ones, without being reported as unknown.
    #[must_use]
    ///
    /// Also takes the catalogue's Pod Security checks, which inventory
    /// checks need to judge workloads against their namespace's level.
    pub fn with_catalogue(mut self, catalogue: &[&'static dyn Check]) -> Engine {
        self.known = catalogue
            .iter()
            .map(|c| (c.meta().id, c.meta().slug))
            .collect();
        let version = self.settings.pss_version;
        let replaced: Vec<&str> = catalogue
            .iter()
            .filter_map(|c| c.meta().pss.and_then(|p| p.overrides))
            .collect();
        let pss_checks: Vec<(&'static dyn Check, [bool; 2])> = catalogue
            .iter()
            .filter(|c| c.meta().pss.is_some() && c.meta().exists_at(version))
            .map(|&c| {
                let meta = c.meta();
                let baseline = meta.in_pss_level(PssLevel::Baseline);
                let restricted = !replaced.contains(&meta.id);
                (c, [baseline, restricted])
            })
            .collect();
        let same = |a: &dyn Check, b: &dyn Check| a.meta().id == b.meta().id;
        self.pod_check_pss = self
            .pod_checks
            .iter()
            .map(|&pod| {
                pss_checks
                    .iter()
                    .find(|(pss, _)| same(*pss, pod))
                    .map(|&(_, counts)| counts)
            })
            .collect();
        self.pss_unselected = pss_checks
            .iter()
            .filter(|(pss, _)| !self.pod_checks.iter().any(|&pod| same(*pss, pod)))
            .copied()
            .collect();
        self
    }

    /// Keeps the whole inventory for the caller, whatever the checks.
    #[must_use]
    pub fn collecting_inventory(mut self) -> Engine {
        self.collect_inventory = true;
        self
    }

    /// Whether the inventory is kept: an inventory check is selected, or
    /// the caller asked for it.
    pub fn needs_inventory(&self) -> bool {
        self.collect_inventory || !self.inventory_checks.is_empty()
    }

    /// The canonical ID of a check named by ID (any case) or slug.
    fn resolve(&self, name: &str) -> Option<&'static str> {
        self.known
            .iter()
            .find(|(id, slug)| id.eq_ignore_ascii_case(name) || *slug == name)
            .map(|(id, _)| *id)
    }

    pub fn checks(&self) -> &[&'static dyn Check] {
        &self.checks
    }

    /// How many subjects each selected check evaluated, in selection order
    /// (zero for a check nothing in the input concerned).
    pub fn check_runs(&self, out: &Outcome) -> Vec<CheckRun> {
        self.checks
            .iter()
            .enumerate()
            .map(|(slot, check)| CheckRun {
                id: check.meta().id,
                evaluations: out.evaluations_of(slot),
            })
            .collect()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Runs every applicable check on one resource, then keeps it for the
    /// inventory checks if they read its kind.
    pub fn evaluate(&self, resource: Resource, out: &mut Outcome) {
        self.evaluate_ref(&resource, out);
        if self.needs_inventory() {
            out.inventory.add_object(resource);
        }
    }

    fn evaluate_ref(&self, resource: &Resource, out: &mut Outcome) {
        out.resources += 1;
        let first_finding = out.findings.len();
        let exceptions = Exceptions::of(resource, self.settings.today).map(|mut ex| {
            // Exceptions may name checks by slug; compare by canonical ID.
            for name in &mut ex.ids {
                if let Some(id) = self.resolve(name) {
                    *name = id.to_string();
                }
            }
            ex
        });
        let mut used: Vec<&str> = Vec::new();
        let mut cx = CheckContext::new(&self.settings);
        let keep = self.needs_inventory();
        let wants_pod = !self.pod_checks.is_empty() || (keep && is_workload_kind(resource.kind()));
        if wants_pod {
            if let Some(pod) = PodSpecView::new(resource) {
                let is_workload = keep && is_workload_kind(resource.kind());
                let mut pss_failures = Vec::new();
                for (i, &check) in self.pod_checks.iter().enumerate() {
                    check.check_pod_spec(&pod, &mut cx);
                    let failures = cx.take_failures();
                    if is_workload {
                        if let Some(Some(counts)) = self.pod_check_pss.get(i) {
                            pss_failures.extend(
                                failures
                                    .iter()
                                    .map(|f| pss_failure(check, &pod, f, *counts)),
                            );
                        }
                    }
                    self.record(
                        (check, self.pod_slots[i]),
                        failures,
                        resource,
                        exceptions.as_ref(),
                        &mut used,
                        out,
                    );
                }
                if is_workload {
                    for &(check, counts) in &self.pss_unselected {
                        check.check_pod_spec(&pod, &mut cx);
                        for failure in cx.take_failures() {
                            pss_failures.push(pss_failure(check, &pod, &failure, counts));
                        }
                    }
                    out.inventory
                        .add_workload(Workload::from_pod_spec(&pod, pss_failures));
                }
            }
        }
        for &(kinds, check, slot) in &self.object_checks {
            if kinds.is_empty() || kinds.contains(&resource.kind()) {
                check.check_object(resource, &mut cx);
                self.record(
                    (check, slot),
                    cx.take_failures(),
                    resource,
                    exceptions.as_ref(),
                    &mut used,
                    out,
                );
            }
        }
        if let Some(ex) = exceptions {
            self.report_exception_problems(resource, &ex, &used, out);
        }
        // In source order: resources come in file order, so the findings
        // of a whole file end up sorted and the final sort has little to do.
        out.findings[first_finding..].sort_by_key(|f| (f.pos, f.check.id));
    }

    fn record(
        &self,
        (check, slot): (&'static dyn Check, usize),
        failures: Vec<Failure>,
        resource: &Resource,
        exceptions: Option<&Exceptions>,
        used: &mut Vec<&'static str>,
        out: &mut Outcome,
    ) {
        out.evaluations += 1;
        out.count_evaluations(slot, 1);
        if failures.is_empty() {
            out.passed += 1;
            return;
        }
        let meta = check.meta();
        let exception = exceptions.filter(|ex| ex.covers(meta.id));
        if exception.is_some() {
            used.push(meta.id);
        }
        let configured = match exception {
            Some(_) => None,
            None => self.policy.exception_for(meta.id, &resource.id),
        };
        let severity = self.policy.severity_of(meta.id, meta.severity);
        for failure in failures {
            let finding = Finding {
                check: meta,
                pos: resource.source.locate(&failure.path),
                message: intern_message(&failure.message),
                resource: Arc::clone(&resource.id),
                file: Arc::clone(&resource.source.file),
                path: intern_path(&failure.path),
                severity,
            };
            file_finding(finding, exception, configured, out);
        }
    }

    fn report_exception_problems(
        &self,
        resource: &Resource,
        ex: &Exceptions,
        used: &[&str],
        out: &mut Outcome,
    ) {
        let notice = |path: &palisade_core::FieldPath, message: String| {
            let pos = resource.source.locate(path);
            ExceptionNotice {
                resource: Arc::clone(&resource.id),
                file: Arc::clone(&resource.source.file),
                line: pos.line,
                column: pos.column,
                message,
            }
        };
        for (path, message) in &ex.problems {
            out.notices.push(notice(path, message.clone()));
        }
        let path = palisade_core::FieldPath::root()
            .join("metadata")
            .join("annotations")
            .join(crate::ANNOTATION_IGNORE.to_string());
        for id in &ex.ids {
            if used.contains(&id.as_str()) {
                continue;
            }
            if self.inventory_checks.iter().any(|(c, _)| c.meta().id == id) {
                // Judged with the whole inventory, later.
                continue;
            }
            let evaluated = self.checks.iter().any(|c| c.meta().id == id);
            let message = if evaluated {
                format!("unused exception: {id} raised no finding on this resource")
            } else if self.resolve(id).is_some() {
                // A real check that this scan did not select.
                continue;
            } else {
                format!("exception names {id:?}, which is not a palisade check")
            };
            out.notices.push(notice(&path, message));
        }
    }
}

/// A Pod Security failure kept for the inventory, with its texts shared.
fn pss_failure(
    check: &'static dyn Check,
    pod: &PodSpecView<'_>,
    failure: &Failure,
    counts_at: [bool; 2],
) -> PssFailure {
    PssFailure {
        check: check.meta(),
        pos: pod.resource.source.locate(&failure.path),
        path: intern_path(&failure.path),
        message: intern_message(&failure.message),
        counts_at,
    }
}

impl Engine {
    /// Runs the inventory checks over everything collected in `out`:
    /// problems of the inventory become located warnings, failures become
    /// findings (exceptions on the object at fault apply).
    /// The finished inventory stays in `out.inventory` for the caller.
    pub fn evaluate_inventory(&self, out: &mut Outcome) {
        if !self.needs_inventory() {
            return;
        }
        let mut inventory = std::mem::take(&mut out.inventory);
        inventory.finish();
        for problem in inventory.problems() {
            out.warnings.push(InputError::new(
                problem.file.to_string(),
                Some(problem.pos),
                problem.message.clone(),
            ));
        }
        let results: Vec<(&'static dyn Check, usize, Vec<InventoryFailure>, usize)> = self
            .inventory_checks
            .par_iter()
            .map(|&(check, slot)| {
                let mut cx = InventoryContext::new(&self.settings);
                check.check_inventory(&inventory, &mut cx);
                let (failures, evaluated) = cx.finish();
                (check, slot, failures, evaluated)
            })
            .collect();
        let mut used: HashMap<Arc<palisade_core::ResourceId>, Vec<&'static str>> = HashMap::new();
        for (check, slot, failures, evaluated) in results {
            let meta = check.meta();
            let mut failing: Vec<&Arc<palisade_core::ResourceId>> =
                failures.iter().map(|f| &f.resource).collect();
            failing.sort();
            failing.dedup();
            out.evaluations += evaluated.max(failing.len());
            out.count_evaluations(slot, evaluated.max(failing.len()));
            out.passed += evaluated.saturating_sub(failing.len());
            for failure in failures {
                let exceptions = failure
                    .exceptions
                    .as_deref()
                    .and_then(|a| Exceptions::from_annotations(Some(a), self.settings.today))
                    .map(|ex| self.canonical(ex));
                let exception = exceptions.filter(|ex| ex.covers(meta.id));
                let configured = self.policy.exception_for(meta.id, &failure.resource);
                let finding = Finding {
                    check: meta,
                    pos: failure.pos,
                    message: Arc::from(failure.message),
                    resource: Arc::clone(&failure.resource),
                    file: failure.file,
                    path: failure.path,
                    severity: self.policy.severity_of(meta.id, meta.severity),
                };
                if exception.is_some() {
                    used.entry(failure.resource).or_default().push(meta.id);
                }
                file_finding(finding, exception.as_ref(), configured, out);
            }
        }
        self.report_unused_inventory_exceptions(&inventory, &used, out);
        out.inventory = inventory;
    }

    /// Exceptions name checks by ID or slug; compare by canonical ID.
    fn canonical(&self, mut ex: Exceptions) -> Exceptions {
        for name in &mut ex.ids {
            if let Some(id) = self.resolve(name) {
                *name = id.to_string();
            }
        }
        ex
    }

    fn report_unused_inventory_exceptions(
        &self,
        inventory: &Inventory,
        used: &HashMap<Arc<palisade_core::ResourceId>, Vec<&'static str>>,
        out: &mut Outcome,
    ) {
        let path = FieldPath::root()
            .join("metadata")
            .join("annotations")
            .join(crate::ANNOTATION_IGNORE.to_string());
        let objects = inventory.objects().iter().map(|o| {
            (
                &o.id,
                &o.source.file,
                o.source.locate(&path),
                palisade_core::inventory::exceptions_of(o),
            )
        });
        let workloads = inventory
            .workloads()
            .iter()
            .map(|w| (&w.id, &w.file, w.pos, w.exceptions.clone()));
        for (id, file, pos, annotations) in objects.chain(workloads) {
            let Some(ex) = annotations
                .as_deref()
                .and_then(|a| Exceptions::from_annotations(Some(a), self.settings.today))
                .map(|ex| self.canonical(ex))
            else {
                continue;
            };
            for name in &ex.ids {
                let is_inventory_check = self
                    .inventory_checks
                    .iter()
                    .any(|(c, _)| c.meta().id == name);
                let was_used = used.get(id).is_some_and(|u| u.iter().any(|u| u == name));
                if is_inventory_check && !was_used {
                    out.notices.push(ExceptionNotice {
                        resource: Arc::clone(id),
                        file: Arc::clone(file),
                        line: pos.line,
                        column: pos.column,
                        message: format!(
                            "unused exception: {name} raised no finding on this resource"
                        ),
                    });
                }
            }
        }
    }
}

/// Files a finding: suppressed by the resource's own exception, else by a
/// configured one (counted as used), else reported.
fn file_finding(
    finding: Finding,
    exception: Option<&Exceptions>,
    configured: Option<&crate::policy::PolicyException>,
    out: &mut Outcome,
) {
    let (reason, until) = match (exception, configured) {
        (Some(ex), _) => (ex.reason.clone(), ex.until),
        (None, Some(ex)) => {
            ex.record_use();
            (ex.shown_reason(), ex.until)
        }
        (None, None) => {
            out.findings.push(finding);
            return;
        }
    };
    out.suppressed.push(Suppressed {
        finding,
        reason,
        until: until.map(|d| d.to_string()),
    });
}
