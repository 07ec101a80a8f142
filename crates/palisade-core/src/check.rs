//! The check declaration, the trait the engine calls, and the context a
//! check reports through.

use std::sync::Arc;

use crate::inventory::{exceptions_of, ExceptionAnnotations, Inventory, Workload};
use crate::path::FieldPath;
use crate::podspec::PodSpecView;
use crate::pss::{PssControl, PssLevel, PssVersion};
use crate::resource::{Resource, ResourceId};
use crate::settings::Settings;
use crate::severity::Severity;
use crate::span::Pos;

/// What a check looks at; the engine calls only the matching hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Every object whose kind is in the list (every object when empty).
    Object(&'static [&'static str]),
    /// The pod spec of every pod-bearing kind.
    PodSpec,
    /// The whole inventory at once, after every object was read: for
    /// checks that relate objects (RBAC, network policies, namespaces).
    Inventory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    Preview,
    Stable,
    Deprecated,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Preview => "preview",
            CheckStatus::Stable => "stable",
            CheckStatus::Deprecated => "deprecated",
        }
    }
}

/// The declaration of a check: everything but its logic.
#[derive(Debug)]
pub struct CheckMeta {
    /// `PAL-<AREA>-<NNN>`, never reused.
    pub id: &'static str,
    /// Kebab-case name of the risk.
    pub slug: &'static str,
    /// Sentence case, states the problem.
    pub title: &'static str,
    pub severity: Severity,
    pub target: Target,
    /// Markdown with the headings "What it checks", "Why it matters" and
    /// "Example", taken from the declaration's doc comment.
    pub description: &'static str,
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    /// The Pod Security Standards control this check implements, if any.
    pub pss: Option<PssControl>,
    pub status: CheckStatus,
    /// The kinds an inventory check reads ([`WORKLOADS`] stands for every
    /// kind whose pods run). When a live cluster would not let one of them be
    /// listed, the check's verdicts there are withheld instead of being
    /// guessed from partial data. Object and pod-spec checks read the kinds
    /// of their target.
    pub reads: &'static [&'static str],
    /// The check judges files, not objects (a Secret's values in a
    /// manifest, say), and is not run on a live cluster or its snapshots.
    pub manifests_only: bool,
}

/// In [`CheckMeta::reads`]: every kind whose pods run (pod-bearing kinds
/// but `PodTemplate`).
pub const WORKLOADS: &str = "<workloads>";

impl CheckMeta {
    /// The area code: `WL` for `PAL-WL-003`.
    pub fn area(&self) -> &'static str {
        self.id.split('-').nth(1).unwrap_or("")
    }

    /// Whether this check exists at the given policy version (non-PSS checks
    /// always do).
    pub fn exists_at(&self, version: PssVersion) -> bool {
        self.pss.is_none_or(|pss| pss.since <= version)
    }

    /// Whether this check is part of the PSS profile `level`.
    pub fn in_pss_level(&self, level: PssLevel) -> bool {
        self.pss.is_some_and(|pss| pss.level.is_within(level))
    }

    /// Whether the check's verdicts depend on objects of `kind` in
    /// particular. A check of every object (annotations, say) depends on
    /// none: a kind it did not see is only a kind it did not judge.
    pub fn depends_on(&self, kind: &str) -> bool {
        match self.target {
            Target::Object(kinds) => kinds.contains(&kind),
            Target::PodSpec => crate::podspec::POD_BEARING_KINDS.contains(&kind),
            Target::Inventory => self.reads.iter().any(|r| {
                *r == kind || (*r == WORKLOADS && crate::inventory::is_workload_kind(kind))
            }),
        }
    }
}

/// One failure a check reports: the field at fault and what is wrong.
#[derive(Debug, Clone)]
pub struct Failure {
    pub path: FieldPath,
    pub message: String,
}

/// What a check receives besides its subject.
pub struct CheckContext<'a> {
    settings: &'a Settings,
    failures: Vec<Failure>,
}

impl<'a> CheckContext<'a> {
    pub fn new(settings: &'a Settings) -> Self {
        CheckContext {
            settings,
            failures: Vec::new(),
        }
    }

    pub fn settings(&self) -> &'a Settings {
        self.settings
    }

    /// Reports a failure at `path`. Messages start in lower case, name the
    /// container and field, and never contain a secret value.
    pub fn fail(&mut self, path: FieldPath, message: impl Into<String>) {
        self.failures.push(Failure {
            path,
            message: message.into(),
        });
    }

    /// [`CheckContext::fail`] with a message built by `format_args!`,
    /// written once into a buffer sized for typical messages.
    pub fn fail_args(&mut self, path: FieldPath, message: std::fmt::Arguments<'_>) {
        use std::fmt::Write;
        let mut text = String::with_capacity(128);
        let _ = text.write_fmt(message);
        self.failures.push(Failure {
            path,
            message: text,
        });
    }

    /// Takes the failures reported since the last call.
    pub fn take_failures(&mut self) -> Vec<Failure> {
        std::mem::take(&mut self.failures)
    }
}

/// A check. Implement only the hook of the check's declared target.
pub trait Check: Send + Sync {
    fn meta(&self) -> &'static CheckMeta;

    /// Whether the check can run with these settings. A check that needs
    /// configuration (an allow-list, say) is not evaluated without it,
    /// rather than reporting passes it never checked.
    fn enabled(&self, _settings: &Settings) -> bool {
        true
    }

    /// Why [`Check::enabled`] is false, for the error shown when the check
    /// is selected explicitly.
    fn disabled_reason(&self) -> &'static str {
        ""
    }

    fn check_object(&self, _object: &Resource, _cx: &mut CheckContext<'_>) {}

    fn check_pod_spec(&self, _pod: &PodSpecView<'_>, _cx: &mut CheckContext<'_>) {}

    fn check_inventory(&self, _inventory: &Inventory, _cx: &mut InventoryContext<'_>) {}
}

/// A failure of an inventory check, already located at one object.
#[derive(Debug, Clone)]
pub struct InventoryFailure {
    pub resource: Arc<ResourceId>,
    pub file: Arc<str>,
    pub pos: Pos,
    /// The field at fault, dotted.
    pub path: Arc<str>,
    pub message: String,
    /// The object's exception annotations, which apply to this finding.
    pub exceptions: ExceptionAnnotations,
}

/// What an inventory check reports through: failures at any object of the
/// inventory, and how many subjects it judged (for the pass count).
pub struct InventoryContext<'a> {
    settings: &'a Settings,
    failures: Vec<InventoryFailure>,
    evaluated: usize,
}

impl<'a> InventoryContext<'a> {
    pub fn new(settings: &'a Settings) -> Self {
        InventoryContext {
            settings,
            failures: Vec::new(),
            evaluated: 0,
        }
    }

    pub fn settings(&self) -> &'a Settings {
        self.settings
    }

    /// Counts one subject (a namespace, a binding, a workload) judged.
    pub fn evaluated(&mut self) {
        self.evaluated += 1;
    }

    /// Reports a failure at `path` of a kept object.
    pub fn fail(&mut self, object: &Resource, path: FieldPath, message: impl Into<String>) {
        self.failures.push(InventoryFailure {
            resource: Arc::clone(&object.id),
            file: Arc::clone(&object.source.file),
            pos: object.source.locate(&path),
            path: Arc::from(path.to_dotted()),
            message: message.into(),
            exceptions: exceptions_of(object),
        });
    }

    /// Reports a failure of a workload at a field (dotted) and position
    /// recorded when it was read.
    pub fn fail_workload(
        &mut self,
        workload: &Workload,
        path: Arc<str>,
        pos: Pos,
        message: impl Into<String>,
    ) {
        self.failures.push(InventoryFailure {
            resource: Arc::clone(&workload.id),
            file: Arc::clone(&workload.file),
            pos,
            path,
            message: message.into(),
            exceptions: workload.exceptions.clone(),
        });
    }

    /// The failures reported and the number of subjects judged.
    pub fn finish(self) -> (Vec<InventoryFailure>, usize) {
        (self.failures, self.evaluated)
    }
}

/// Declares a check: a unit struct, its [`CheckMeta`] (the doc comment
/// becomes the description) and its [`Check`] implementation.
///
/// ```text
/// declare_check! {
///     /// ## What it checks
///     /// ...
///     pub struct PrivilegedContainer {
///         id: "PAL-WL-003",
///         slug: "privileged-container",
///         title: "Container runs privileged",
///         severity: Critical,
///         target: Target::PodSpec,
///         remediation: "...",
///         references: &["https://..."],
///         pss: Some(PssControl::baseline("Privileged Containers", 0)),
///         status: Stable,
///     }
///     impl {
///         fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) { .. }
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_check {
    (
        $(#[doc = $doc:expr])*
        pub struct $name:ident {
            id: $id:expr,
            slug: $slug:expr,
            title: $title:expr,
            severity: $severity:ident,
            target: $target:expr,
            remediation: $remediation:expr,
            references: $references:expr,
            pss: $pss:expr,
            status: $status:ident
            $(, reads: $reads:expr)?
            $(, manifests_only: $manifests_only:expr)? $(,)?
        }
        impl { $($body:tt)* }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: $crate::CheckMeta = $crate::CheckMeta {
                id: $id,
                slug: $slug,
                title: $title,
                severity: $crate::Severity::$severity,
                target: $target,
                description: concat!($($doc, "\n"),*),
                remediation: $remediation,
                references: $references,
                pss: $pss,
                status: $crate::CheckStatus::$status,
                reads: {
                    let reads: &'static [&'static str] = &[];
                    $(let reads: &'static [&'static str] = $reads;)?
                    reads
                },
                manifests_only: {
                    let only = false;
                    $(let only: bool = $manifests_only;)?
                    only
                },
            };
        }

        impl $crate::Check for $name {
            fn meta(&self) -> &'static $crate::CheckMeta {
                const META: &$crate::CheckMeta = &$name::META;
                META
            }
            $($body)*
        }
    };
}
