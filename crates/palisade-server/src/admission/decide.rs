//! From a request to a verdict, with the engine of `palisade scan`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use palisade_core::{Finding, Pos, Resource, Severity, SourceRef, SpanIndex, Target};
use palisade_engine::{Engine, Outcome};

use super::review::{AdmissionRequest, AdmissionResponse, Status};

/// What happens to a request with findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Denied when a finding reaches the threshold, listing them.
    Enforce,
    /// Allowed, with the findings as admission warnings.
    Warn,
    /// Allowed, the findings recorded in audit annotations.
    Audit,
}

/// Why a namespace has its mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeSource {
    Default,
    /// The namespace's `palisade.dev/mode` label, which the webhook
    /// configuration turns into the path it calls (`/validate/warn`).
    Label,
    /// The server's configuration (`--namespace-mode`), which wins over
    /// the label: changing a namespace's labels should not be enough to
    /// leave enforcement.
    Namespace,
}

/// Modes per namespace.
#[derive(Debug, Clone)]
pub struct Modes {
    pub default: Mode,
    pub namespaces: BTreeMap<String, Mode>,
    /// Never judged: the control plane's own namespaces, and palisade's.
    pub exempt: BTreeSet<String>,
}

impl Default for Modes {
    fn default() -> Self {
        Modes {
            default: Mode::Enforce,
            namespaces: BTreeMap::new(),
            exempt: ["kube-system", "kube-public", "kube-node-lease"]
                .into_iter()
                .map(str::to_string)
                .collect(),
        }
    }
}

impl Modes {
    /// The mode for a namespace (`None` for cluster-scoped objects), or
    /// `None` when the namespace is exempt.
    pub fn for_namespace(
        &self,
        namespace: Option<&str>,
        label: Option<Mode>,
    ) -> Option<(Mode, ModeSource)> {
        let namespace = namespace.unwrap_or("");
        if self.exempt.contains(namespace) {
            return None;
        }
        Some(match (self.namespaces.get(namespace), label) {
            (Some(mode), _) => (*mode, ModeSource::Namespace),
            (None, Some(mode)) => (mode, ModeSource::Label),
            (None, None) => (self.default, ModeSource::Default),
        })
    }
}

/// What an UPDATE is blamed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UpdateScope {
    /// Only findings the old object did not have: a running workload can
    /// still be scaled or relabelled while its old problems are fixed.
    #[default]
    Changes,
    /// Every finding of the new object, as on CREATE.
    All,
}

/// A verdict and what it rests on.
#[derive(Debug, Clone)]
pub struct Decision {
    pub response: AdmissionResponse,
    /// The findings judged (for metrics and the audit record).
    pub findings: Vec<Finding>,
    /// `None` when the request was not judged (exempt, ignored operation).
    pub mode: Option<Mode>,
    /// Dry-run requests are judged but not recorded as actions.
    pub record: bool,
}

/// The webhook's judge.
pub struct Admission {
    engine: Engine,
    modes: Modes,
    /// Findings at or above this severity deny in enforce mode; the rest
    /// are warnings. The same threshold as `palisade scan --fail-on`.
    fail_on: Severity,
    updates: UpdateScope,
}

/// Subresources whose writes change what runs: `kubectl debug` adds
/// containers through `pods/ephemeralcontainers`.
const JUDGED_SUBRESOURCES: [&str; 1] = ["ephemeralcontainers"];

impl Admission {
    /// `engine` should hold the checks that judge one object at a time
    /// (see [`single_object_checks`]): admission sees no inventory.
    pub fn new(engine: Engine, modes: Modes, fail_on: Severity, updates: UpdateScope) -> Self {
        Admission {
            engine,
            modes,
            fail_on,
            updates,
        }
    }

    fn allow(uid: &str) -> AdmissionResponse {
        AdmissionResponse {
            uid: uid.to_string(),
            allowed: true,
            status: None,
            warnings: Vec::new(),
            audit_annotations: BTreeMap::new(),
        }
    }

    fn findings_of(
        &self,
        object: &serde_json::Value,
        request: Option<&AdmissionRequest>,
    ) -> Vec<Finding> {
        let source = SourceRef {
            file: Arc::from("admission"),
            spans: Arc::new(SpanIndex::default()),
            base: palisade_core::span::ROOT_HASH,
            pos: Pos::default(),
        };
        let Ok(resource) = Resource::from_value(object.clone(), source) else {
            return Vec::new();
        };
        let mut outcome = Outcome::default();
        match request {
            // User policies read the request (`input.review`, `request`).
            Some(request) => palisade_policy::with_request(request.for_policies(object), || {
                self.engine.evaluate(resource, &mut outcome)
            }),
            None => self.engine.evaluate(resource, &mut outcome),
        }
        // Excepted findings (annotations, configuration) do not count.
        outcome.findings
    }

    pub fn decide(&self, request: &AdmissionRequest) -> Decision {
        self.decide_labelled(request, None)
    }

    /// [`Admission::decide`] for a namespace whose label chose `label`.
    pub fn decide_labelled(&self, request: &AdmissionRequest, label: Option<Mode>) -> Decision {
        let unjudged = |response| Decision {
            response,
            findings: Vec::new(),
            mode: None,
            record: false,
        };
        let operation = request.operation.as_str();
        if operation != "CREATE" && operation != "UPDATE" {
            return unjudged(Self::allow(&request.uid));
        }
        if let Some(sub) = request.sub_resource.as_deref().filter(|s| !s.is_empty()) {
            if !JUDGED_SUBRESOURCES.contains(&sub) {
                return unjudged(Self::allow(&request.uid));
            }
        }
        let Some((mode, _)) = self
            .modes
            .for_namespace(request.namespace.as_deref(), label)
        else {
            return unjudged(Self::allow(&request.uid));
        };
        let Some(object) = request.object.as_ref().filter(|o| o.is_object()) else {
            return unjudged(Self::allow(&request.uid));
        };
        let mut findings = self.findings_of(object, Some(request));
        if operation == "UPDATE" && self.updates == UpdateScope::Changes {
            // An update is blamed only for what it changes: problems the
            // old object already had are not its doing.
            if let Some(old) = request.old_object.as_ref().filter(|o| o.is_object()) {
                let before: HashSet<String> = self
                    .findings_of(old, None)
                    .iter()
                    .map(Finding::fingerprint)
                    .collect();
                findings.retain(|f| !before.contains(&f.fingerprint()));
            }
        }
        let mut response = Self::allow(&request.uid);
        let line =
            |f: &Finding| format!("{} ({}): {}", f.check.id, f.severity().as_str(), f.message);
        match mode {
            Mode::Enforce => {
                let (blocking, rest): (Vec<&Finding>, Vec<&Finding>) =
                    findings.iter().partition(|f| f.severity() >= self.fail_on);
                if !blocking.is_empty() {
                    let reasons: Vec<String> = blocking
                        .iter()
                        .map(|f| format!("{} [fix: {}]", line(f), f.check.remediation))
                        .collect();
                    response.allowed = false;
                    response.status = Some(Status {
                        code: 403,
                        message: format!(
                            "palisade denied {}: {}",
                            findings[0].resource,
                            reasons.join("; ")
                        ),
                    });
                }
                response.warnings = rest.iter().map(|f| line(f)).collect();
            }
            Mode::Warn => response.warnings = findings.iter().map(line).collect(),
            Mode::Audit => {
                if !findings.is_empty() {
                    let ids: BTreeSet<&str> = findings.iter().map(|f| f.check.id).collect();
                    response.audit_annotations.insert(
                        "palisade.dev/findings".to_string(),
                        ids.into_iter().collect::<Vec<_>>().join(","),
                    );
                }
            }
        }
        Decision {
            response,
            findings,
            mode: Some(mode),
            record: request.dry_run != Some(true),
        }
    }
}

/// The checks admission can run: those judging one object (pod specs,
/// objects); whole-inventory checks need the rest of the cluster.
pub fn single_object_checks(
    checks: &[&'static dyn palisade_core::Check],
) -> Vec<&'static dyn palisade_core::Check> {
    checks
        .iter()
        .copied()
        .filter(|c| !matches!(c.meta().target, Target::Inventory) && !c.meta().manifests_only)
        .collect()
}

/// The engine admission judges with: the checks `palisade scan` would
/// select from `catalogue` (those needing configuration stay off), less
/// those that need the whole inventory, with the configuration's
/// exceptions and severities.
pub fn engine(
    catalogue: &'static [&'static dyn palisade_core::Check],
    selection: &palisade_engine::Selection,
    settings: palisade_core::Settings,
    policy: palisade_engine::Policy,
) -> Result<Engine, palisade_engine::SelectionError> {
    let selected = palisade_engine::select(catalogue, selection, &settings)?;
    Ok(Engine::new(single_object_checks(&selected), settings)
        .with_catalogue(catalogue)
        .with_policy(policy))
}

/// [`engine`] without a configuration file: the default selection,
/// settings and exceptions.
pub fn unconfigured_engine(
    catalogue: &'static [&'static dyn palisade_core::Check],
) -> Result<Engine, palisade_engine::SelectionError> {
    engine(
        catalogue,
        &palisade_engine::Selection::default(),
        palisade_core::Settings::default(),
        palisade_engine::Policy::default(),
    )
}
