//! What the namespace checks share: which namespaces they judge, where a
//! namespace finding goes, and the Pod Security admission labels.

use palisade_core::{
    FieldPath, Inventory, InventoryContext, NamespaceEntry, PssLevel, PssVersion, Resource,
    Workload,
};

pub const ENFORCE_LABEL: &str = "pod-security.kubernetes.io/enforce";
pub const ENFORCE_VERSION_LABEL: &str = "pod-security.kubernetes.io/enforce-version";

/// Namespaces declared by a Namespace object or holding workloads; a
/// namespace known only from a policy or a quota is not judged.
pub fn considered(inventory: &Inventory) -> impl Iterator<Item = &NamespaceEntry> {
    inventory
        .namespaces()
        .filter(|ns| ns.object.is_some() || !ns.workloads.is_empty())
}

/// Reports on the Namespace object, or, when the scan has none, on the
/// namespace's first workload.
pub fn fail_namespace(
    inventory: &Inventory,
    cx: &mut InventoryContext<'_>,
    ns: &NamespaceEntry,
    message: String,
) {
    if let Some(object) = ns.object {
        let path = FieldPath::root().join("metadata").join("name");
        cx.fail(inventory.object(object), path, message);
    } else if let Some(&first) = ns.workloads.first() {
        let workload = inventory.workload(first);
        cx.fail_workload(
            workload,
            std::sync::Arc::from("metadata.namespace"),
            workload.namespace_pos,
            message,
        );
    }
}

/// Reports every namespace the checks judge that `lacks` something, with
/// `what` it lacks.
pub fn report_namespaces_lacking(
    inventory: &Inventory,
    cx: &mut InventoryContext<'_>,
    lacks: impl Fn(&NamespaceEntry) -> bool,
    what: &str,
) {
    for ns in considered(inventory) {
        cx.evaluated();
        if lacks(ns) {
            fail_namespace(inventory, cx, ns, format!("{} has no {what}", ns.display()));
        }
    }
}

/// A namespace's `enforce` label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnforceLabel {
    Missing,
    Invalid(String),
    /// `None` is `privileged`.
    Level(Option<PssLevel>),
}

pub fn enforce_level(namespace: &Resource) -> EnforceLabel {
    let label = namespace
        .metadata()
        .and_then(|m| m.get("labels"))
        .and_then(|l| l.get(ENFORCE_LABEL));
    match label.map(|v| v.as_str()) {
        None => EnforceLabel::Missing,
        Some(Some("privileged")) => EnforceLabel::Level(None),
        Some(Some("baseline")) => EnforceLabel::Level(Some(PssLevel::Baseline)),
        Some(Some("restricted")) => EnforceLabel::Level(Some(PssLevel::Restricted)),
        Some(other) => EnforceLabel::Invalid(other.map_or_else(
            || label.map(ToString::to_string).unwrap_or_default(),
            str::to_string,
        )),
    }
}

/// The policy version a namespace enforces, as far as the scan can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinnedVersion {
    /// No pin, `latest`, or the version the scan judges at.
    Judged,
    /// Another valid version: controls added after it do not apply.
    Other(PssVersion),
    /// A value Pod Security admission does not accept.
    Invalid(String),
}

pub fn pinned_version(namespace: &Resource, judged: PssVersion) -> PinnedVersion {
    let pinned = namespace
        .metadata()
        .and_then(|m| m.get("labels"))
        .and_then(|l| l.get(ENFORCE_VERSION_LABEL))
        .and_then(|v| v.as_str());
    match pinned {
        None | Some("latest") => PinnedVersion::Judged,
        Some(v) => match v.parse::<PssVersion>() {
            Ok(version) if version == judged => PinnedVersion::Judged,
            Ok(version) => PinnedVersion::Other(version),
            Err(_) => PinnedVersion::Invalid(v.to_string()),
        },
    }
}

/// The strictest Pod Security level a workload meets (`None`: only
/// privileged).
pub fn strictest_met(workload: &Workload) -> Option<PssLevel> {
    [PssLevel::Restricted, PssLevel::Baseline]
        .into_iter()
        .find(|&level| workload.satisfies(level))
}
