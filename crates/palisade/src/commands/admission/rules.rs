//! Which requests the API server sends the webhook: the resources of every
//! kind a judging check reads, so the gate covers what `palisade scan`
//! covers (a Service policy gates Services) and nothing more.

use std::collections::{BTreeMap, BTreeSet};

use palisade_core::podspec::POD_BEARING_KINDS;
use palisade_core::{Check, Target};

/// A kind the API serves: its group, version, resource and scope.
struct ApiResource {
    kind: &'static str,
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    namespaced: bool,
}

const fn api(
    kind: &'static str,
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    namespaced: bool,
) -> ApiResource {
    ApiResource {
        kind,
        group,
        version,
        resource,
        namespaced,
    }
}

/// The built-in kinds a check may name. Kinds that are not API objects
/// (`EncryptionConfiguration` is a file) or no longer served
/// (`PodSecurityPolicy`) are judged in scans only.
const KNOWN: &[ApiResource] = &[
    api("Pod", "", "v1", "pods", true),
    api("PodTemplate", "", "v1", "podtemplates", true),
    api(
        "ReplicationController",
        "",
        "v1",
        "replicationcontrollers",
        true,
    ),
    api("Service", "", "v1", "services", true),
    api("Secret", "", "v1", "secrets", true),
    api("ConfigMap", "", "v1", "configmaps", true),
    api("ServiceAccount", "", "v1", "serviceaccounts", true),
    api(
        "PersistentVolumeClaim",
        "",
        "v1",
        "persistentvolumeclaims",
        true,
    ),
    api("Endpoints", "", "v1", "endpoints", true),
    api("LimitRange", "", "v1", "limitranges", true),
    api("ResourceQuota", "", "v1", "resourcequotas", true),
    api("Namespace", "", "v1", "namespaces", false),
    api("PersistentVolume", "", "v1", "persistentvolumes", false),
    api("Node", "", "v1", "nodes", false),
    api("Deployment", "apps", "v1", "deployments", true),
    api("StatefulSet", "apps", "v1", "statefulsets", true),
    api("DaemonSet", "apps", "v1", "daemonsets", true),
    api("ReplicaSet", "apps", "v1", "replicasets", true),
    api("Job", "batch", "v1", "jobs", true),
    api("CronJob", "batch", "v1", "cronjobs", true),
    api("Ingress", "networking.k8s.io", "v1", "ingresses", true),
    api(
        "NetworkPolicy",
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        true,
    ),
    api(
        "IngressClass",
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        false,
    ),
    api("Role", "rbac.authorization.k8s.io", "v1", "roles", true),
    api(
        "RoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        true,
    ),
    api(
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        false,
    ),
    api(
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        false,
    ),
    api(
        "PodDisruptionBudget",
        "policy",
        "v1",
        "poddisruptionbudgets",
        true,
    ),
    api(
        "HorizontalPodAutoscaler",
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        true,
    ),
    api(
        "StorageClass",
        "storage.k8s.io",
        "v1",
        "storageclasses",
        false,
    ),
    api(
        "PriorityClass",
        "scheduling.k8s.io",
        "v1",
        "priorityclasses",
        false,
    ),
];

/// Kinds checks name that the API does not serve as objects.
const NOT_SERVED: &[&str] = &["EncryptionConfiguration", "PodSecurityPolicy"];

/// The rules of the webhook configuration.
#[derive(Debug, Default, PartialEq)]
pub struct Rules {
    /// Resources by (group, version), namespaced and cluster-scoped apart:
    /// a namespace selector cannot tell the modes of cluster-scoped
    /// objects, so only the default (enforcing) webhook gets those.
    namespaced: BTreeMap<(&'static str, &'static str), BTreeSet<&'static str>>,
    cluster: BTreeMap<(&'static str, &'static str), BTreeSet<&'static str>>,
    /// Kinds a check names that palisade cannot map to a resource (a
    /// custom resource), with the first check naming each.
    pub unknown: BTreeMap<String, String>,
}

impl Rules {
    /// The rules for the kinds `checks` judge. A check of every kind
    /// (`kinds` empty) adds nothing: it is judged on what the others bring.
    pub fn for_checks(checks: &[&dyn Check]) -> Rules {
        let mut rules = Rules::default();
        for check in checks {
            let meta = check.meta();
            let kinds: &[&str] = match meta.target {
                Target::PodSpec => &POD_BEARING_KINDS,
                Target::Object(kinds) => kinds,
                Target::Inventory => &[],
            };
            for kind in kinds {
                rules.add(kind, meta.id);
            }
        }
        rules
    }

    fn add(&mut self, kind: &str, check: &str) {
        if NOT_SERVED.contains(&kind) {
            return;
        }
        let Some(api) = KNOWN.iter().find(|a| a.kind == kind) else {
            self.unknown
                .entry(kind.to_string())
                .or_insert_with(|| check.to_string());
            return;
        };
        let by_scope = if api.namespaced || api.kind == "Namespace" {
            // A Namespace is matched by its own labels, so its mode works.
            &mut self.namespaced
        } else {
            &mut self.cluster
        };
        let resources = by_scope.entry((api.group, api.version)).or_default();
        resources.insert(api.resource);
        if api.kind == "Pod" {
            // `kubectl debug` adds containers through this subresource.
            resources.insert("pods/ephemeralcontainers");
        }
    }

    /// Whether no kind is sent at all.
    pub fn is_empty(&self) -> bool {
        self.namespaced.is_empty() && self.cluster.is_empty()
    }

    /// The `rules:` list of one webhook, in YAML at the webhook entry's
    /// indentation; `cluster_scoped` adds the cluster-scoped kinds.
    pub fn yaml(&self, cluster_scoped: bool) -> String {
        let mut merged = self.namespaced.clone();
        if cluster_scoped {
            for (key, resources) in &self.cluster {
                merged.entry(*key).or_default().extend(resources);
            }
        }
        if merged.is_empty() {
            // Valid, and matching nothing: no selected check judges objects
            // one at a time.
            return "    []\n".to_string();
        }
        let mut out = String::new();
        for ((group, version), resources) in merged {
            let resources: Vec<String> = resources.iter().map(|r| format!("\"{r}\"")).collect();
            out.push_str(&format!(
                "  - operations: [\"CREATE\", \"UPDATE\"]\n    apiGroups: [\"{group}\"]\n    apiVersions: [\"{version}\"]\n    resources: [{}]\n",
                resources.join(", ")
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_checks_gate_workloads_and_the_objects_they_read() {
        let checks = palisade_server::admission::single_object_checks(palisade_checks::catalogue());
        let rules = Rules::for_checks(&checks);
        let yaml = rules.yaml(true);
        assert!(yaml.contains(r#""pods/ephemeralcontainers""#), "{yaml}");
        for resource in [
            "deployments",
            "cronjobs",
            "services",
            "ingresses",
            "configmaps",
            "secrets",
        ] {
            assert!(
                yaml.contains(&format!("\"{resource}\"")),
                "{resource}: {yaml}"
            );
        }
        assert!(rules.unknown.is_empty(), "{:?}", rules.unknown);
        assert!(!yaml.contains("podsecuritypolicies"));
    }

    #[test]
    fn cluster_scoped_kinds_go_to_the_default_webhook_only() {
        let mut rules = Rules::default();
        rules.add("ClusterRole", "ACME-1");
        rules.add("Namespace", "ACME-2");
        rules.add("Certificate", "ACME-3");
        assert!(rules.yaml(true).contains("\"clusterroles\""));
        assert!(!rules.yaml(false).contains("\"clusterroles\""));
        assert!(rules.yaml(false).contains("\"namespaces\""));
        assert_eq!(
            rules.unknown.get("Certificate").map(String::as_str),
            Some("ACME-3")
        );
    }

    #[test]
    fn no_judging_check_gives_an_empty_list() {
        assert!(Rules::default().is_empty());
        let yaml = format!("rules:\n{}", Rules::default().yaml(true));
        assert_eq!(yaml, "rules:\n    []\n");
    }
}
