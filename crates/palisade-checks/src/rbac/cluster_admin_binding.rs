use palisade_core::rbac::{Binding, Grant, SubjectKind};
use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{chain_text, judged_bindings};

declare_check! {
    /// ## What it checks
    /// ClusterRoleBindings that give a subject every verb on every resource of every API
    /// group (the `cluster-admin` ClusterRole, or any ClusterRole with a `*`/`*`/`*`
    /// rule), to any subject: `system:` names and service accounts of `kube-system`
    /// included (Helm 2's Tiller was one), since the control plane's own components hold
    /// narrower roles. Only the bindings the API server creates itself (labelled
    /// `kubernetes.io/bootstrapping: rbac-defaults`, such as the one for `system:masters`) are not
    /// judged.
    ///
    /// ## Why it matters
    /// Such a subject owns the cluster: it can read every Secret, run privileged pods on
    /// every node and rewrite RBAC itself. A leaked token or a compromised pod of that
    /// identity is a full cluster compromise.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef: {kind: ClusterRole, name: cluster-admin}
    /// subjects:
    /// - {kind: ServiceAccount, name: ci, namespace: build}
    /// ```
    pub struct ClusterAdminBinding {
        id: "PAL-RBAC-001",
        slug: "cluster-admin-binding",
        title: "Cluster-admin power bound to a user, group or service account",
        severity: Critical,
        target: Target::Inventory,
        remediation: "Bind a role that grants only what the subject needs, in the namespaces where it needs it; keep cluster-admin for break-glass use.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["ClusterRole", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            let graph = inventory.rbac();
            for binding in judged_bindings(graph).filter(|b| b.is_cluster_binding()) {
                cx.evaluated();
                let Some(role) = binding.role else { continue };
                let Some(&rule) = graph.effective_rules(role).iter().find(|&&r| graph.rule(r).is_full_wildcard()) else { continue };
                let object = inventory.object(binding.object);
                // `system:masters` bypasses RBAC anyway: binding it adds nothing.
                for (index, subject) in binding.subjects.iter().filter(|(_, s)| !(s.kind == SubjectKind::Group && s.name == "system:masters")) {
                    let grant = Grant { binding, subject_index: *index, subject, rule };
                    cx.fail(object, Binding::subject_path(*index), format!("grants {subject} every permission cluster-wide via {}", chain_text(inventory, &grant)));
                }
            }
        }
    }
}
