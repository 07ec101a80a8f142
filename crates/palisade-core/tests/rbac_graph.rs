//! The RBAC model on small hand-built inventories: aggregation, scopes,
//! implicit namespaces and escalation paths.

use std::sync::Arc;

use palisade_core::rbac::query::{escalation_paths, who_can};
use palisade_core::rbac::{Request, Scope, Subject};
use palisade_core::span::ROOT_HASH;
use palisade_core::{Inventory, Pos, Resource, SourceRef, SpanIndex};
use serde_json::{json, Value};

fn inventory(objects: Vec<Value>) -> Inventory {
    let mut inventory = Inventory::default();
    for (i, value) in objects.into_iter().enumerate() {
        let source = SourceRef {
            file: Arc::from("test.yaml"),
            spans: Arc::new(SpanIndex::default()),
            base: ROOT_HASH,
            pos: Pos::new(i as u32 * 10 + 1, 1),
        };
        inventory.add_object(Resource::from_value(value, source).expect("an object"));
    }
    inventory.finish();
    inventory
}

fn cluster_role(name: &str, labels: Value, rules: Value) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
           "metadata": {"name": name, "labels": labels}, "rules": rules})
}

fn binding(
    kind: &str,
    name: &str,
    namespace: Option<&str>,
    role: (&str, &str),
    subjects: Value,
) -> Value {
    let mut metadata = json!({"name": name});
    if let Some(ns) = namespace {
        metadata["namespace"] = json!(ns);
    }
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": metadata,
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role.0, "name": role.1},
           "subjects": subjects})
}

fn names(inventory: &Inventory, request: &Request, scope: Scope<'_>) -> Vec<String> {
    who_can(inventory, request, scope)
        .iter()
        .map(|s| s.subject.to_string())
        .collect()
}

#[test]
fn a_role_aggregated_into_view_reaches_edit_and_admin() {
    let inv = inventory(vec![
        cluster_role(
            "secrets-for-viewers",
            json!({"rbac.authorization.k8s.io/aggregate-to-view": "true"}),
            json!([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]),
        ),
        binding(
            "RoleBinding",
            "a",
            Some("shop"),
            ("ClusterRole", "admin"),
            json!([{"kind": "User", "name": "ann"}]),
        ),
        binding(
            "RoleBinding",
            "v",
            Some("shop"),
            ("ClusterRole", "view"),
            json!([{"kind": "User", "name": "vic"}]),
        ),
    ]);
    let get_secrets = Request::resource("get", "", "secrets");
    // admin grants secrets itself; view only through the aggregated role.
    assert_eq!(
        names(&inv, &get_secrets, Scope::Namespace("shop")),
        ["User ann", "User vic"]
    );
    assert!(names(&inv, &get_secrets, Scope::Namespace("other")).is_empty());
    let vic = &who_can(&inv, &get_secrets, Scope::Anywhere)[1];
    let chain = palisade_core::rbac::query::chain(&inv, &vic.grants[0]);
    let kinds: Vec<(&str, &str)> = chain.iter().map(|s| (s.kind, &*s.name)).collect();
    assert_eq!(
        kinds,
        [
            ("RoleBinding", "v"),
            ("ClusterRole", "view"),
            ("ClusterRole", "secrets-for-viewers")
        ]
    );
}

#[test]
fn aggregation_cycles_converge_and_are_reported() {
    let inv = inventory(vec![
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
               "metadata": {"name": "a", "labels": {"agg": "a"}},
               "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"agg": "b"}}]}}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
               "metadata": {"name": "b", "labels": {"agg": "b"}},
               "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"agg": "a"}}]}}),
        cluster_role(
            "pods",
            json!({"agg": "a"}),
            json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}]),
        ),
        binding(
            "ClusterRoleBinding",
            "b",
            None,
            ("ClusterRole", "b"),
            json!([{"kind": "Group", "name": "ops"}]),
        ),
    ]);
    assert_eq!(
        names(&inv, &Request::resource("list", "", "pods"), Scope::Cluster),
        ["Group ops"]
    );
    assert!(inv
        .problems()
        .iter()
        .any(|p| p.message.contains("aggregate each other")));
}

#[test]
fn role_bindings_grant_no_cluster_scoped_resource_but_may_bind_cluster_roles() {
    let rules = json!([
        {"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]},
        {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "verbs": ["bind", "escalate"]}
    ]);
    let inv = inventory(vec![
        cluster_role("power", json!({}), rules),
        binding(
            "RoleBinding",
            "ns",
            Some("shop"),
            ("ClusterRole", "power"),
            json!([{"kind": "User", "name": "nina"}]),
        ),
        binding(
            "ClusterRoleBinding",
            "cl",
            None,
            ("ClusterRole", "power"),
            json!([{"kind": "User", "name": "carl"}]),
        ),
    ]);
    let proxy = Request::resource("get", "", "nodes/proxy");
    assert_eq!(names(&inv, &proxy, Scope::Anywhere), ["User carl"]);
    let bind = Request::resource("bind", "rbac.authorization.k8s.io", "clusterroles");
    assert_eq!(
        names(&inv, &bind, Scope::Namespace("shop")),
        ["User carl", "User nina"]
    );
    let escalate = Request::resource("escalate", "rbac.authorization.k8s.io", "clusterroles");
    assert_eq!(names(&inv, &escalate, Scope::Anywhere), ["User carl"]);
}

#[test]
fn unnamespaced_role_bindings_and_subjects_share_the_applied_namespace() {
    let inv = inventory(vec![
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "reader"},
               "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]}),
        binding(
            "RoleBinding",
            "r",
            None,
            ("Role", "reader"),
            json!([{"kind": "ServiceAccount", "name": "app"}]),
        ),
    ]);
    let found = who_can(
        &inv,
        &Request::resource("get", "", "configmaps"),
        Scope::Anywhere,
    );
    assert_eq!(found.len(), 1);
    assert_eq!(*found[0].subject, Subject::service_account("", "app"));
    assert!(inv.problems().is_empty(), "{:?}", inv.problems());
}

#[test]
fn escalation_paths_respect_resource_names() {
    let impersonate = |names: Value| json!([{"apiGroups": [""], "resources": ["groups"], "verbs": ["impersonate"], "resourceNames": names}]);
    let inv = inventory(vec![
        cluster_role("masters", json!({}), impersonate(json!(["system:masters"]))),
        cluster_role("devs", json!({}), impersonate(json!(["developers"]))),
        binding(
            "ClusterRoleBinding",
            "m",
            None,
            ("ClusterRole", "masters"),
            json!([{"kind": "User", "name": "mallory"}]),
        ),
        binding(
            "ClusterRoleBinding",
            "d",
            None,
            ("ClusterRole", "devs"),
            json!([{"kind": "User", "name": "dora"}]),
        ),
    ]);
    let paths = escalation_paths(&inv);
    let who: Vec<&str> = paths.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(who, ["mallory"]);
    assert!(paths[0].steps[0].action.contains("system:masters"));
}

#[test]
fn escalation_needing_two_permissions_may_combine_bindings_and_groups() {
    let inv = inventory(vec![
        cluster_role(
            "binder",
            json!({}),
            json!([{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "verbs": ["bind"]}]),
        ),
        cluster_role(
            "crb-writer",
            json!({}),
            json!([{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterrolebindings"], "verbs": ["create"]}]),
        ),
        // bob binds; every authenticated user, bob included, may create
        // ClusterRoleBindings; carol only the latter.
        binding(
            "ClusterRoleBinding",
            "b1",
            None,
            ("ClusterRole", "binder"),
            json!([{"kind": "User", "name": "bob"}]),
        ),
        binding(
            "ClusterRoleBinding",
            "b2",
            None,
            ("ClusterRole", "crb-writer"),
            json!([{"kind": "Group", "name": "system:authenticated"}]),
        ),
        binding(
            "ClusterRoleBinding",
            "c1",
            None,
            ("ClusterRole", "crb-writer"),
            json!([{"kind": "User", "name": "carol"}]),
        ),
    ]);
    let paths = escalation_paths(&inv);
    let who: Vec<&str> = paths.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(who, ["bob"], "{paths:?}");
    assert!(paths[0].steps[0]
        .action
        .starts_with("bind cluster-admin to itself"));
}

#[test]
fn longer_aggregation_cycles_are_reported_once() {
    let aggregating = |name: &str, label: &str, selects: &str| {
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
               "metadata": {"name": name, "labels": {"agg": label}},
               "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"agg": selects}}]}})
    };
    let inv = inventory(vec![
        aggregating("a", "a", "c"),
        aggregating("b", "b", "a"),
        aggregating("c", "c", "b"),
    ]);
    let cycles: Vec<&str> = inv
        .problems()
        .iter()
        .filter(|p| p.message.contains("cycle"))
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(cycles[0].contains("a, b, c"), "{cycles:?}");
}

#[test]
fn rules_limited_to_names_lead_to_those_objects() {
    let rule = |verb: &str, resource: &str, name: &str| json!([{"apiGroups": [""], "resources": [resource], "verbs": [verb], "resourceNames": [name]}]);
    let inv = inventory(vec![
        binding(
            "ClusterRoleBinding",
            "root",
            None,
            ("ClusterRole", "cluster-admin"),
            json!([{"kind": "User", "name": "root-user"}]),
        ),
        binding(
            "ClusterRoleBinding",
            "admin-sa",
            None,
            ("ClusterRole", "cluster-admin"),
            json!([{"kind": "ServiceAccount", "name": "admin", "namespace": "ops"}]),
        ),
        json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/service-account-token",
               "metadata": {"name": "admin-token", "namespace": "ops",
                            "annotations": {"kubernetes.io/service-account.name": "admin"}}}),
        cluster_role(
            "as-root",
            json!({}),
            rule("impersonate", "users", "root-user"),
        ),
        cluster_role(
            "read-token",
            json!({}),
            rule("get", "secrets", "admin-token"),
        ),
        cluster_role(
            "mint-admin",
            json!({}),
            rule("create", "serviceaccounts/token", "admin"),
        ),
        cluster_role(
            "as-nobody",
            json!({}),
            rule("impersonate", "users", "nobody"),
        ),
        binding(
            "ClusterRoleBinding",
            "i",
            None,
            ("ClusterRole", "as-root"),
            json!([{"kind": "User", "name": "ivan"}]),
        ),
        binding(
            "RoleBinding",
            "r",
            Some("ops"),
            ("ClusterRole", "read-token"),
            json!([{"kind": "User", "name": "rita"}]),
        ),
        binding(
            "RoleBinding",
            "m",
            Some("ops"),
            ("ClusterRole", "mint-admin"),
            json!([{"kind": "User", "name": "mia"}]),
        ),
        binding(
            "ClusterRoleBinding",
            "n",
            None,
            ("ClusterRole", "as-nobody"),
            json!([{"kind": "User", "name": "ned"}]),
        ),
    ]);
    let mut who: Vec<String> = escalation_paths(&inv)
        .iter()
        .map(|p| p.name.clone())
        .collect();
    who.sort();
    assert_eq!(who, ["ivan", "mia", "rita"]);
}

#[test]
fn members_are_not_listed_again_when_their_group_has_a_path() {
    let inv = inventory(vec![
        binding(
            "RoleBinding",
            "everyone-edits",
            Some("ci"),
            ("ClusterRole", "edit"),
            json!([{"kind": "Group", "name": "system:authenticated"}]),
        ),
        binding(
            "ClusterRoleBinding",
            "ci-admin",
            None,
            ("ClusterRole", "cluster-admin"),
            json!([{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]),
        ),
        binding(
            "RoleBinding",
            "reader",
            Some("web"),
            ("ClusterRole", "view"),
            json!([{"kind": "User", "name": "vera"}]),
        ),
    ]);
    let paths = escalation_paths(&inv);
    let who: Vec<String> = paths
        .iter()
        .map(|p| format!("{} {}", p.kind, p.name))
        .collect();
    assert_eq!(
        who,
        ["Group system:authenticated"],
        "vera gets there only as a member"
    );
}
