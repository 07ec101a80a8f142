use palisade_core::{declare_check, FieldPath, Inventory, InventoryContext, Target};

use crate::helpers::rbac::SENSITIVE;

declare_check! {
    /// ## What it checks
    /// ClusterRoles (other than the API server's own) whose labels make an aggregating
    /// ClusterRole pick up their rules, one in the scan or the built-in `admin`, `edit`
    /// and `view` (labels `rbac.authorization.k8s.io/aggregate-to-admin`, `-edit`,
    /// `-view`), when those rules grant a sensitive power: reading Secrets, creating
    /// pods, exec, `nodes/proxy`, escalate or bind, impersonation, minting tokens,
    /// changing webhooks, deleting events, or any wildcard.
    ///
    /// ## Why it matters
    /// Aggregation adds permissions to roles that are already bound everywhere, without
    /// touching those roles or their bindings: a CRD's chart that labels its role
    /// `aggregate-to-view` to share Secrets hands them to every viewer of every
    /// namespace, and nobody reviewing bindings sees it.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// metadata:
    ///   labels:
    ///     rbac.authorization.k8s.io/aggregate-to-view: "true"
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["secrets"]
    ///   verbs: ["get"]
    /// ```
    pub struct AggregatedRoleWidening {
        id: "PAL-RBAC-017",
        slug: "aggregated-role-widening",
        title: "ClusterRole silently widens an aggregated role",
        severity: Medium,
        target: Target::Inventory,
        remediation: "Aggregate only read access to your own non-sensitive resources; bind sensitive permissions explicitly to the subjects that need them.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["ClusterRole"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            let graph = inventory.rbac();
            for (index, role) in graph.roles().iter().enumerate() {
                let Some(object) = role.object else { continue };
                if role.is_default || !role.is_cluster_role() {
                    continue;
                }
                cx.evaluated();
                let direct: Vec<usize> = graph.aggregated_into(index).collect();
                if direct.is_empty() {
                    continue;
                }
                // `view` is itself aggregated into `edit`, and `edit` into
                // `admin`: name every role that ends up with the rules.
                let mut reached = direct.clone();
                let mut next = 0;
                while next < reached.len() {
                    for further in graph.aggregated_into(reached[next]) {
                        if further != index && !reached.contains(&further) {
                            reached.push(further);
                        }
                    }
                    next += 1;
                }
                let mut into: Vec<String> = reached.iter().map(|&i| graph.role(i).display()).collect();
                into.sort();
                let powers: Vec<String> = graph
                    .effective_rules(index)
                    .iter()
                    .map(|&r| graph.rule(r))
                    .flat_map(|rule| {
                        let mut granted: Vec<String> = SENSITIVE.iter().flat_map(|p| p.granted_by(rule)).collect();
                        if rule.has_wildcard() {
                            granted.push(format!("wildcard rule {}", rule.summary()));
                        }
                        granted
                    })
                    .collect();
                if powers.is_empty() {
                    continue;
                }
                // Point at the label an aggregating selector picks up.
                let label = role.labels.keys().find(|key| {
                    direct.iter().any(|&i| {
                        graph.role(i).aggregation.iter().flatten().any(|(_, s)| s.mentions(key))
                    })
                });
                let labels = FieldPath::root().join("metadata").join("labels");
                cx.fail(
                    inventory.object(object),
                    label.map_or(labels.clone(), |key| labels.join(key.clone())),
                    format!("aggregated into {}: adds {} to everyone bound to them", into.join(", "), powers.join(", ")),
                );
            }
        }
    }
}
