//! Which kinds the API server serves: every group at its preferred
//! version, custom resources included, keeping the kinds that can be
//! listed. A few kinds are left out on purpose, see [`SKIPPED`].

use serde_json::Value;

use crate::fetch::{FetchError, Fetcher};

/// A listable kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKind {
    /// Empty for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    /// The plural resource name in URLs (`deployments`).
    pub resource: String,
    pub namespaced: bool,
}

impl ApiKind {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether it is the core group's `kind`.
    pub fn is_core(&self, kind: &str) -> bool {
        self.group.is_empty() && self.kind == kind
    }

    /// The URL path that lists it in one namespace, or everywhere.
    pub fn list_path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace {
            Some(ns) if self.namespaced => format!("{base}/namespaces/{ns}/{}", self.resource),
            _ => format!("{base}/{}", self.resource),
        }
    }

    /// Whether `--kinds` named it: by kind (`Deployment`), plural
    /// (`deployments`), or plural with group (`deployments.apps`), in any
    /// case.
    pub fn matches(&self, name: &str) -> bool {
        let name = name.trim();
        if name.eq_ignore_ascii_case(&self.kind) || name.eq_ignore_ascii_case(&self.resource) {
            return true;
        }
        match name.split_once('.') {
            Some((resource, group)) => {
                (resource.eq_ignore_ascii_case(&self.resource)
                    || resource.eq_ignore_ascii_case(&self.kind))
                    && group.eq_ignore_ascii_case(&self.group)
            }
            None => false,
        }
    }
}

/// Kinds not collected: high-volume records of what happened (events,
/// leases, endpoint lists derived from Services) that no posture check
/// reads, and live metrics served by aggregated APIs.
pub const SKIPPED: [(&str, &str); 7] = [
    ("", "events"),
    ("events.k8s.io", "events"),
    ("", "endpoints"),
    ("discovery.k8s.io", "endpointslices"),
    ("coordination.k8s.io", "leases"),
    ("", "componentstatuses"),
    ("metrics.k8s.io", "*"),
];

fn skipped(group: &str, resource: &str) -> bool {
    SKIPPED
        .iter()
        .any(|(g, r)| *g == group && (*r == "*" || *r == resource))
}

/// The result of discovery: the kinds, and groups that did not answer
/// (an aggregated API whose backend is down), as warnings.
#[derive(Debug, Default)]
pub struct Discovered {
    pub kinds: Vec<ApiKind>,
    pub warnings: Vec<String>,
}

pub async fn discover(fetcher: &Fetcher) -> Result<Discovered, FetchError> {
    let mut found = Discovered::default();
    let core = fetcher.get_json("/api/v1").await?;
    push_resources(&mut found.kinds, "", "v1", &core);
    let groups = fetcher.get_json("/apis").await?;
    let groups = groups
        .get("groups")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for group in groups {
        let Some(name) = group.get("name").and_then(Value::as_str) else {
            continue;
        };
        let Some(version) = group
            .pointer("/preferredVersion/version")
            .and_then(Value::as_str)
        else {
            continue;
        };
        if skipped(name, "*") {
            continue;
        }
        match fetcher.get_json(&format!("/apis/{name}/{version}")).await {
            Ok(list) => push_resources(&mut found.kinds, name, version, &list),
            // Credentials and permissions fail everywhere alike: stop.
            Err(e @ FetchError::Unauthorized(_)) => return Err(e),
            Err(e) => found.warnings.push(format!(
                "API group {name}/{version} did not answer discovery: {e}"
            )),
        }
    }
    drop_legacy_aliases(&mut found.kinds);
    Ok(found)
}

fn push_resources(kinds: &mut Vec<ApiKind>, group: &str, version: &str, list: &Value) {
    let Some(resources) = list.get("resources").and_then(Value::as_array) else {
        return;
    };
    for resource in resources {
        let text = |key: &str| resource.get(key).and_then(Value::as_str).unwrap_or("");
        let name = text("name");
        // `pods/log`, `deployments/scale`: subresources, not kinds.
        if name.is_empty() || name.contains('/') || skipped(group, name) {
            continue;
        }
        let listable = resource
            .get("verbs")
            .and_then(Value::as_array)
            .is_some_and(|verbs| verbs.iter().any(|v| v.as_str() == Some("list")));
        if !listable {
            continue;
        }
        kinds.push(ApiKind {
            group: group.to_string(),
            version: version.to_string(),
            kind: text("kind").to_string(),
            resource: name.to_string(),
            namespaced: resource
                .get("namespaced")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        });
    }
}

/// Older servers also serve Ingresses, NetworkPolicies and workloads in
/// the retired `extensions` group: the same stored objects a second time.
fn drop_legacy_aliases(kinds: &mut Vec<ApiKind>) {
    let elsewhere: Vec<(String, String)> = kinds
        .iter()
        .filter(|k| k.group != "extensions")
        .map(|k| (k.resource.clone(), k.kind.clone()))
        .collect();
    kinds.retain(|k| {
        k.group != "extensions"
            || !elsewhere
                .iter()
                .any(|(r, kind)| *r == k.resource && *kind == k.kind)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kind(group: &str, resource: &str, kind: &str, namespaced: bool) -> ApiKind {
        ApiKind {
            group: group.into(),
            version: "v1".into(),
            kind: kind.into(),
            resource: resource.into(),
            namespaced,
        }
    }

    #[test]
    fn keeps_listable_kinds_only() {
        let list = json!({"resources": [
            {"name": "pods", "kind": "Pod", "namespaced": true, "verbs": ["get", "list"]},
            {"name": "pods/log", "kind": "Pod", "namespaced": true, "verbs": ["get"]},
            {"name": "bindings", "kind": "Binding", "namespaced": true, "verbs": ["create"]},
            {"name": "events", "kind": "Event", "namespaced": true, "verbs": ["list"]},
            {"name": "nodes", "kind": "Node", "namespaced": false, "verbs": ["list"]},
        ]});
        let mut kinds = Vec::new();
        push_resources(&mut kinds, "", "v1", &list);
        let names: Vec<&str> = kinds.iter().map(|k| k.resource.as_str()).collect();
        assert_eq!(names, ["pods", "nodes"]);
    }

    #[test]
    fn drops_extensions_aliases() {
        let mut kinds = vec![
            kind("networking.k8s.io", "ingresses", "Ingress", true),
            kind("extensions", "ingresses", "Ingress", true),
            kind(
                "extensions",
                "podsecuritypolicies",
                "PodSecurityPolicy",
                false,
            ),
        ];
        drop_legacy_aliases(&mut kinds);
        assert_eq!(kinds.len(), 2);
        assert_eq!(kinds[1].resource, "podsecuritypolicies");
    }

    #[test]
    fn paths_and_names() {
        let deployments = kind("apps", "deployments", "Deployment", true);
        assert_eq!(
            deployments.list_path(Some("web")),
            "/apis/apps/v1/namespaces/web/deployments"
        );
        assert_eq!(deployments.list_path(None), "/apis/apps/v1/deployments");
        assert_eq!(
            kind("", "nodes", "Node", false).list_path(Some("x")),
            "/api/v1/nodes"
        );
        for name in [
            "Deployment",
            "deployments",
            "deployments.apps",
            "DEPLOYMENT.apps",
        ] {
            assert!(deployments.matches(name), "{name}");
        }
        assert!(!deployments.matches("deployments.extensions"));
        assert!(!deployments.matches("pods"));
    }
}
