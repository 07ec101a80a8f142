use palisade_core::rbac::{Binding, Grant, RbacGraph, Request, Scope, Subject, SubjectKind};
use palisade_core::{declare_check, Inventory, InventoryContext, Target};

use crate::helpers::rbac::{
    chain_text, first_rule_granting, holds_everything_cluster_wide, judged_bindings,
    judged_subjects, scope_phrase, CSR_APPROVAL, SIGNER_APPROVE,
};

/// Whether `subject` holds `approve` on some signer through one of
/// `approvers` (the grants of it; a group's members get the group's).
fn can_approve_signers(approvers: &[Grant<'_>], subject: &Subject) -> bool {
    let mut groups = subject.implicit_groups();
    if subject.kind == SubjectKind::Group {
        groups.push(subject.name.clone());
    }
    approvers
        .iter()
        .any(|g| RbacGraph::subject_covers(g.subject, subject, &groups))
}

declare_check! {
    /// ## What it checks
    /// Subjects that can both `update` `certificatesigningrequests/approval` and
    /// `approve` on `signers` (both in `certificates.k8s.io`), the two permissions
    /// Kubernetes requires to approve a CSR. The finding sits on the binding that grants
    /// the approval update; the signer permission may come from another binding.
    /// ClusterRoleBindings that grant every permission are reported once, by
    /// PAL-RBAC-001.
    ///
    /// ## Why it matters
    /// Approving CSRs issues client certificates the API server trusts. With the
    /// `kubernetes.io/kube-apiserver-client` signer, a subject can mint a certificate for
    /// any user or group, `system:masters` included.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    /// - apiGroups: ["certificates.k8s.io"]
    ///   resources: ["certificatesigningrequests/approval"]
    ///   verbs: ["update"]
    /// - apiGroups: ["certificates.k8s.io"]
    ///   resources: ["signers"]
    ///   verbs: ["approve"]
    /// ```
    pub struct CsrApprovalAccess {
        id: "PAL-RBAC-010",
        slug: "csr-approval-access",
        title: "Subject can approve certificate signing requests",
        severity: High,
        target: Target::Inventory,
        remediation: "Leave CSR approval to the controller manager; if a custom approver is needed, limit `approve` to its own signer with `resourceNames`.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/"],
        pss: None,
        status: Stable,
        reads: &["ClusterRole", "ClusterRoleBinding"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            let graph = inventory.rbac();
            // Signers are cluster-scoped: only ClusterRoleBindings grant them.
            let approvers: Vec<Grant<'_>> = SIGNER_APPROVE
                .requests
                .iter()
                .flat_map(|&(verb, group, resource)| {
                    graph.grants_of(&Request::resource(verb, group, resource), Scope::Cluster, true)
                })
                .collect();
            for binding in judged_bindings(graph) {
                cx.evaluated();
                if holds_everything_cluster_wide(graph, binding) {
                    continue;
                }
                let Some((rule, _)) = first_rule_granting(graph, binding, &CSR_APPROVAL) else { continue };
                let object = inventory.object(binding.object);
                for (index, subject) in judged_subjects(binding) {
                    if !can_approve_signers(&approvers, subject) {
                        continue;
                    }
                    let grant = Grant { binding, subject_index: *index, subject, rule };
                    cx.fail(object, Binding::subject_path(*index), format!("grants {subject} CSR approval (and it can approve signers) {} via {}", scope_phrase(binding.namespace.as_deref()), chain_text(inventory, &grant)));
                }
            }
        }
    }
}
