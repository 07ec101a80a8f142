use palisade_core::{declare_check, FieldPath, Inventory, InventoryContext, Target};

declare_check! {
    /// ## What it checks
    /// Rules of Roles and ClusterRoles with `*` among their verbs, resources or API
    /// groups. Roles the API server creates (labelled `kubernetes.io/bootstrapping: rbac-defaults`,
    /// named `system:...`, or `cluster-admin`) are not judged, nor the own rules of aggregated
    /// ClusterRoles, which the controller replaces.
    ///
    /// ## Why it matters
    /// A wildcard grants today's permissions and every one added later: a new verb, a new
    /// subresource, a CRD installed next year. What the role allows can no longer be
    /// reviewed by reading it.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["*"]
    ///   verbs: ["get", "list"]
    /// ```
    pub struct RbacWildcard {
        id: "PAL-RBAC-002",
        slug: "rbac-wildcard",
        title: "Role rule uses a wildcard",
        severity: Medium,
        target: Target::Inventory,
        remediation: "List the verbs, resources and API groups the role needs explicitly.",
        references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
        pss: None,
        status: Stable,
        reads: &["Role", "ClusterRole"],
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            let graph = inventory.rbac();
            for role in graph.roles() {
                let Some(object) = role.object else { continue };
                if role.is_default || role.name.starts_with("system:") || role.name == "cluster-admin" || role.aggregation.is_some() {
                    continue;
                }
                cx.evaluated();
                let resource = inventory.object(object);
                for (index, rule) in role.rules.iter().enumerate() {
                    if !rule.has_wildcard() {
                        continue;
                    }
                    let fields: Vec<&str> = [("verbs", &rule.verbs), ("resources", &rule.resources), ("apiGroups", &rule.api_groups)]
                        .into_iter()
                        .filter(|(_, list)| list.iter().any(|s| s == "*"))
                        .map(|(name, _)| name)
                        .collect();
                    let path = FieldPath::root().join("rules").join(index).join(fields[0]);
                    cx.fail(resource, path, format!("rules[{index}] has `*` in {}: {}", fields.join(" and "), rule.summary()));
                }
            }
        }
    }
}
