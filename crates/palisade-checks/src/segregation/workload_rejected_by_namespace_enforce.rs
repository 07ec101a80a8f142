use palisade_core::{declare_check, Inventory, InventoryContext, Target, WORKLOADS};

use crate::helpers::namespaces::{enforce_level, pinned_version, EnforceLabel, PinnedVersion};

declare_check! {
    /// ## What it checks
    /// Workloads in a namespace whose Namespace object enforces `baseline` or
    /// `restricted`, judged with palisade's Pod Security checks at the scan's `--pss-version`:
    /// every control of that level the workload fails is reported at the
    /// offending field. For a namespace pinning another `enforce-version`, controls
    /// that policy version does not have are left out; the others are judged with the
    /// scan's version of their rules (they differ between versions only in corner
    /// cases: Windows pods, user namespaces, seccomp annotations), and the message
    /// says so.
    ///
    /// ## Why it matters
    /// Pod Security admission rejects such pods: a bare Pod fails to apply, and a
    /// controller's pods are never created, so the rollout hangs with only an event to
    /// say why. In a live cluster it means the workload predates the label and runs with
    /// privileges the namespace forbids.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: baseline
    /// ---
    /// kind: Deployment     # in that namespace
    /// spec:
    ///   template:
    ///     spec:
    ///       hostNetwork: true
    /// ```
    pub struct WorkloadRejectedByNamespaceEnforce {
        id: "PAL-NET-008",
        slug: "workload-rejected-by-namespace-enforce",
        title: "Workload violates its namespace's enforced Pod Security level",
        severity: High,
        target: Target::Inventory,
        remediation: "Fix the workload to meet the namespace's level (the message names each control), or move it to a namespace meant for it.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-admission/", "https://kubernetes.io/docs/concepts/security/pod-security-standards/"],
        pss: None,
        status: Stable,
        reads: &["Namespace", WORKLOADS],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            let version = cx.settings().pss_version;
            for ns in inventory.namespaces() {
                let Some(object) = ns.object.map(|o| inventory.object(o)) else { continue };
                let EnforceLabel::Level(Some(level)) = enforce_level(object) else { continue };
                let (applies_at, pinned) = match pinned_version(object, version) {
                    PinnedVersion::Judged => (version, String::new()),
                    PinnedVersion::Other(v) => (v, format!("; judged at {version} for the namespace's pinned {v}")),
                    PinnedVersion::Invalid(v) => (version, format!("; the namespace's enforce-version {v:?} is not a valid version, judged at {version}")),
                };
                for &w in &ns.workloads {
                    cx.evaluated();
                    let workload = inventory.workload(w);
                    // Controls added after a pinned version do not apply there.
                    for failure in workload.pss_failures.iter().filter(|f| f.counts_at(level) && f.check.exists_at(applies_at)) {
                        cx.fail_workload(workload, failure.path.clone(), failure.pos, format!("{} rejected by {}, which enforces {level}: {} ({}){pinned}", if workload.id.kind == "Pod" { "would be" } else { "its pods would be" }, ns.display(), failure.message, failure.check.id));
                    }
                }
            }
        }
    }
}
