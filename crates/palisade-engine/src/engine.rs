//! Dispatching checks to resources by target, and turning failures into
//! located findings.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use palisade_core::check::Failure;
use palisade_core::report::{ExceptionNotice, Suppressed};
use palisade_core::span::{hash_segments, ROOT_HASH};
use palisade_core::FieldPath;
use palisade_core::{Check, CheckContext, Finding, PodSpecView, Resource, Settings, Target};

use crate::exceptions::Exceptions;
use crate::outcome::Outcome;

/// Distinct paths remembered per worker thread; beyond this, paths are
/// built afresh (hostile input cannot grow the cache without bound).
const PATH_CACHE_LIMIT: usize = 16_384;

thread_local! {
    static PATHS: RefCell<HashMap<u64, Arc<str>>> = RefCell::new(HashMap::new());
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
    object_checks: Vec<(&'static [&'static str], &'static dyn Check)>,
    settings: Settings,
    /// Every check an exception may name: (ID, slug).
    known: Vec<(&'static str, &'static str)>,
}

impl Engine {
    pub fn new(checks: Vec<&'static dyn Check>, settings: Settings) -> Engine {
        let mut pod_checks = Vec::new();
        let mut object_checks = Vec::new();
        for &check in &checks {
            match check.meta().target {
                Target::PodSpec => pod_checks.push(check),
                Target::Object(kinds) => object_checks.push((kinds, check)),
            }
        }
        let known = checks
            .iter()
            .map(|c| (c.meta().id, c.meta().slug))
            .collect();
        Engine {
            checks,
            pod_checks,
            object_checks,
            settings,
            known,
        }
    }

    /// Lets exceptions name any check of `catalogue` (by ID or slug), not
    /// only the selected ones, without being reported as unknown.
    #[must_use]
    pub fn with_catalogue(mut self, catalogue: &[&'static dyn Check]) -> Engine {
        self.known = catalogue
            .iter()
            .map(|c| (c.meta().id, c.meta().slug))
            .collect();
        self
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

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Runs every applicable check on one resource.
    pub fn evaluate(&self, resource: &Resource, out: &mut Outcome) {
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
        if !self.pod_checks.is_empty() {
            if let Some(pod) = PodSpecView::new(resource) {
                for &check in &self.pod_checks {
                    check.check_pod_spec(&pod, &mut cx);
                    self.record(
                        check,
                        cx.take_failures(),
                        resource,
                        exceptions.as_ref(),
                        &mut used,
                        out,
                    );
                }
            }
        }
        for &(kinds, check) in &self.object_checks {
            if kinds.is_empty() || kinds.contains(&resource.kind()) {
                check.check_object(resource, &mut cx);
                self.record(
                    check,
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
        check: &'static dyn Check,
        failures: Vec<Failure>,
        resource: &Resource,
        exceptions: Option<&Exceptions>,
        used: &mut Vec<&'static str>,
        out: &mut Outcome,
    ) {
        out.evaluations += 1;
        if failures.is_empty() {
            out.passed += 1;
            return;
        }
        let meta = check.meta();
        let exception = exceptions.filter(|ex| ex.covers(meta.id));
        if exception.is_some() {
            used.push(meta.id);
        }
        for failure in failures {
            let finding = Finding {
                check: meta,
                pos: resource.source.locate(&failure.path),
                message: failure.message,
                resource: Arc::clone(&resource.id),
                file: Arc::clone(&resource.source.file),
                path: intern_path(&failure.path),
            };
            match exception {
                Some(ex) => out.suppressed.push(Suppressed {
                    finding,
                    reason: ex.reason.clone(),
                    until: ex.until.map(|d| d.to_string()),
                }),
                None => out.findings.push(finding),
            }
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
