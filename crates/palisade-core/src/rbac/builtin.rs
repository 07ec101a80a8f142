//! The ClusterRoles every cluster has, for scans that bind to them without
//! including them. Their rules are those of the Kubernetes bootstrap
//! policy (see `builtin_rules.rs`); `admin`, `edit` and `view` also
//! aggregate the ClusterRoles labelled for them, as in a cluster.

use super::builtin_rules::{ADMIN_EXTRA, EDIT_DRA, EDIT_EXTRA, VIEW, VIEW_DRA};
use super::model::{PolicyRule, Role, BOOTSTRAP_LABEL};
use crate::path::FieldPath;
use crate::selector::{Labels, Selector};

type StaticRule = (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

fn rules(tables: &[&[StaticRule]]) -> Vec<PolicyRule> {
    tables
        .iter()
        .flat_map(|t| t.iter())
        .map(|(verbs, groups, resources)| PolicyRule::from_static(verbs, groups, resources))
        .collect()
}

fn aggregating(label: &str) -> Option<Vec<(FieldPath, Selector)>> {
    let selector = Selector::parse(Some(
        &serde_json::json!({ "matchLabels": { label: "true" } }),
    ))
    .expect("built-in aggregation selector is valid")
    .unwrap_or_default();
    Some(vec![(FieldPath::root().join("aggregationRule"), selector)])
}

fn role(
    name: &str,
    rules: Vec<PolicyRule>,
    aggregation: Option<Vec<(FieldPath, Selector)>>,
    aggregated_into: &[&str],
) -> Role {
    let mut labels = Labels::new();
    labels.insert(BOOTSTRAP_LABEL.0.to_string(), BOOTSTRAP_LABEL.1.to_string());
    // `view` is part of `edit`, and `edit` of `admin`, through these labels.
    for label in aggregated_into {
        labels.insert(label.to_string(), "true".to_string());
    }
    Role {
        object: None,
        namespace: None,
        name: name.to_string(),
        labels,
        rules,
        aggregation,
        is_default: true,
    }
}

/// The label that adds a ClusterRole's rules to a built-in role.
pub const AGGREGATE_LABELS: [(&str, &str); 3] = [
    ("admin", "rbac.authorization.k8s.io/aggregate-to-admin"),
    ("edit", "rbac.authorization.k8s.io/aggregate-to-edit"),
    ("view", "rbac.authorization.k8s.io/aggregate-to-view"),
];

pub fn roles() -> Vec<Role> {
    let mut everything = PolicyRule::from_static(&["*"], &[], &[]);
    everything.non_resource_urls = vec!["*".to_string()];
    let [(_, to_admin), (_, to_edit), (_, to_view)] = AGGREGATE_LABELS;
    vec![
        role(
            "cluster-admin",
            vec![PolicyRule::from_static(&["*"], &["*"], &["*"]), everything],
            None,
            &[],
        ),
        role(
            "admin",
            rules(&[VIEW, VIEW_DRA, EDIT_EXTRA, EDIT_DRA, ADMIN_EXTRA]),
            aggregating(to_admin),
            &[],
        ),
        role(
            "edit",
            rules(&[VIEW, VIEW_DRA, EDIT_EXTRA, EDIT_DRA]),
            aggregating(to_edit),
            &[to_admin],
        ),
        role(
            "view",
            rules(&[VIEW, VIEW_DRA]),
            aggregating(to_view),
            &[to_edit],
        ),
        // The one `system:` role commonly bound to people (for `kubectl
        // logs`/`exec` through the kubelet): full kubelet API access.
        role(
            "system:kubelet-api-admin",
            vec![
                PolicyRule::from_static(&["get", "list", "watch", "proxy"], &[""], &["nodes"]),
                PolicyRule::from_static(
                    &["*"],
                    &[""],
                    &["nodes/log", "nodes/metrics", "nodes/proxy", "nodes/stats"],
                ),
            ],
            None,
            &[],
        ),
    ]
}

/// Whether a role of this name is created by the API server itself, so a
/// binding to it is not dangling even when the scan does not include it.
pub fn is_builtin_role_name(name: &str) -> bool {
    name.starts_with("system:")
        || AGGREGATE_LABELS.iter().any(|(n, _)| *n == name)
        || name == "cluster-admin"
}

/// Whether the API server creates a Role of this name in this namespace:
/// the bootstrap Roles of `kube-system` and `kube-public`.
pub fn is_builtin_namespaced_role(namespace: &str, name: &str) -> bool {
    matches!(namespace, "kube-system" | "kube-public")
        && (name.starts_with("system:") || name == "extension-apiserver-authentication-reader")
}
