//! Naming resources the way `kubectl auth can-i` does: `pods`,
//! `pods/exec`, `deployments.apps`, short names, or a non-resource URL.

use super::matching::Request;

/// Built-in resources by plural name, with their API group.
const GROUPS: &[(&str, &str)] = &[
    ("bindings", ""),
    ("configmaps", ""),
    ("endpoints", ""),
    ("events", ""),
    ("limitranges", ""),
    ("namespaces", ""),
    ("nodes", ""),
    ("persistentvolumeclaims", ""),
    ("persistentvolumes", ""),
    ("pods", ""),
    ("podtemplates", ""),
    ("replicationcontrollers", ""),
    ("resourcequotas", ""),
    ("secrets", ""),
    ("serviceaccounts", ""),
    ("services", ""),
    ("users", ""),
    ("groups", ""),
    (
        "mutatingwebhookconfigurations",
        "admissionregistration.k8s.io",
    ),
    (
        "validatingwebhookconfigurations",
        "admissionregistration.k8s.io",
    ),
    (
        "validatingadmissionpolicies",
        "admissionregistration.k8s.io",
    ),
    (
        "validatingadmissionpolicybindings",
        "admissionregistration.k8s.io",
    ),
    ("customresourcedefinitions", "apiextensions.k8s.io"),
    ("apiservices", "apiregistration.k8s.io"),
    ("flowschemas", "flowcontrol.apiserver.k8s.io"),
    (
        "prioritylevelconfigurations",
        "flowcontrol.apiserver.k8s.io",
    ),
    ("ipaddresses", "networking.k8s.io"),
    ("servicecidrs", "networking.k8s.io"),
    ("componentstatuses", ""),
    ("mutatingadmissionpolicies", "admissionregistration.k8s.io"),
    (
        "mutatingadmissionpolicybindings",
        "admissionregistration.k8s.io",
    ),
    ("resourceclaims", "resource.k8s.io"),
    ("resourceclaimtemplates", "resource.k8s.io"),
    ("deviceclasses", "resource.k8s.io"),
    ("controllerrevisions", "apps"),
    ("daemonsets", "apps"),
    ("deployments", "apps"),
    ("replicasets", "apps"),
    ("statefulsets", "apps"),
    ("tokenreviews", "authentication.k8s.io"),
    ("selfsubjectreviews", "authentication.k8s.io"),
    ("uids", "authentication.k8s.io"),
    ("userextras", "authentication.k8s.io"),
    ("localsubjectaccessreviews", "authorization.k8s.io"),
    ("selfsubjectaccessreviews", "authorization.k8s.io"),
    ("selfsubjectrulesreviews", "authorization.k8s.io"),
    ("subjectaccessreviews", "authorization.k8s.io"),
    ("horizontalpodautoscalers", "autoscaling"),
    ("cronjobs", "batch"),
    ("jobs", "batch"),
    ("certificatesigningrequests", "certificates.k8s.io"),
    ("signers", "certificates.k8s.io"),
    ("leases", "coordination.k8s.io"),
    ("endpointslices", "discovery.k8s.io"),
    ("ingressclasses", "networking.k8s.io"),
    ("ingresses", "networking.k8s.io"),
    ("networkpolicies", "networking.k8s.io"),
    ("runtimeclasses", "node.k8s.io"),
    ("poddisruptionbudgets", "policy"),
    ("clusterrolebindings", "rbac.authorization.k8s.io"),
    ("clusterroles", "rbac.authorization.k8s.io"),
    ("rolebindings", "rbac.authorization.k8s.io"),
    ("roles", "rbac.authorization.k8s.io"),
    ("priorityclasses", "scheduling.k8s.io"),
    ("csidrivers", "storage.k8s.io"),
    ("csinodes", "storage.k8s.io"),
    ("storageclasses", "storage.k8s.io"),
    ("volumeattachments", "storage.k8s.io"),
];

/// kubectl's short names and singulars of the common resources.
const ALIASES: &[(&str, &str)] = &[
    ("po", "pods"),
    ("pod", "pods"),
    ("svc", "services"),
    ("service", "services"),
    ("secret", "secrets"),
    ("cm", "configmaps"),
    ("configmap", "configmaps"),
    ("sa", "serviceaccounts"),
    ("serviceaccount", "serviceaccounts"),
    ("ns", "namespaces"),
    ("namespace", "namespaces"),
    ("no", "nodes"),
    ("node", "nodes"),
    ("deploy", "deployments"),
    ("deployment", "deployments"),
    ("ds", "daemonsets"),
    ("daemonset", "daemonsets"),
    ("sts", "statefulsets"),
    ("statefulset", "statefulsets"),
    ("rs", "replicasets"),
    ("rc", "replicationcontrollers"),
    ("cj", "cronjobs"),
    ("cronjob", "cronjobs"),
    ("job", "jobs"),
    ("ing", "ingresses"),
    ("ingress", "ingresses"),
    ("netpol", "networkpolicies"),
    ("pvc", "persistentvolumeclaims"),
    ("pv", "persistentvolumes"),
    ("csr", "certificatesigningrequests"),
    ("crd", "customresourcedefinitions"),
    ("role", "roles"),
    ("clusterrole", "clusterroles"),
    ("rolebinding", "rolebindings"),
    ("clusterrolebinding", "clusterrolebindings"),
];

/// Why a resource name was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    #[error("unknown resource {0:?}: name a custom resource with its API group, as RESOURCE.GROUP (widgets.example.com)")]
    Unknown(String),
    #[error("empty resource name")]
    Empty,
    #[error("malformed resource {0:?}: write RESOURCE, RESOURCE/SUBRESOURCE or RESOURCE.GROUP")]
    Malformed(String),
    #[error(
        "malformed verb {0:?}: verbs are lower case (get, list, create, impersonate, ...) or *"
    )]
    Verb(String),
}

/// Builds the request for `verb` on `resource`: `pods`, `pods/exec`,
/// `deploy`, `deployments.apps`, `widgets.example.com/status`, `*`, or a
/// non-resource URL such as `/metrics`.
pub fn request_for(
    verb: &str,
    resource: &str,
    name: Option<&str>,
) -> Result<Request, ResourceError> {
    let resource = resource.trim();
    if resource.is_empty() {
        return Err(ResourceError::Empty);
    }
    if verb != "*" && (verb.is_empty() || !verb.bytes().all(|b| b.is_ascii_lowercase())) {
        return Err(ResourceError::Verb(verb.to_string()));
    }
    if resource.starts_with('/') {
        return Ok(Request::NonResource {
            verb: verb.to_string(),
            path: resource.to_string(),
        });
    }
    let malformed = || ResourceError::Malformed(resource.to_string());
    let (base, sub) = match resource.split_once('/') {
        Some((b, s)) => (b, Some(s)),
        None => (resource, None),
    };
    if base.is_empty() || sub.is_some_and(|s| s.is_empty() || s.contains('/')) {
        return Err(malformed());
    }
    let lower = base.to_ascii_lowercase();
    let (plural, group) = if lower == "*" {
        ("*".to_string(), "*".to_string())
    } else if let Some((plural, group)) = lower.split_once('.') {
        // kubectl's RESOURCE.VERSION.GROUP: the version does not matter.
        let group = match group.split_once('.') {
            Some((version, rest)) if is_version(version) => rest,
            _ => group,
        };
        if plural.is_empty() || group.is_empty() || group.split('.').any(str::is_empty) {
            return Err(malformed());
        }
        (plural.to_string(), group.to_string())
    } else {
        let plural = ALIASES
            .iter()
            .find(|(alias, _)| *alias == lower)
            .map_or(lower.as_str(), |(_, p)| p);
        let group = GROUPS
            .iter()
            .find(|(p, _)| *p == plural)
            .map(|(_, g)| g.to_string())
            .ok_or_else(|| ResourceError::Unknown(resource.to_string()))?;
        (plural.to_string(), group)
    };
    let resource = match sub {
        Some(sub) => format!("{plural}/{sub}"),
        None => plural,
    };
    Ok(Request::Resource {
        verb: verb.to_string(),
        group,
        resource,
        name: name.map(str::to_string),
    })
}

/// `v1`, `v1beta2`, `v2alpha1`.
fn is_version(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('v') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let rest = &rest[digits..];
    rest.is_empty()
        || ["alpha", "beta"].iter().any(|stage| {
            rest.strip_prefix(stage)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(r: Request) -> (String, String) {
        match r {
            Request::Resource {
                group, resource, ..
            } => (group, resource),
            Request::NonResource { path, .. } => ("<url>".into(), path),
        }
    }

    #[test]
    fn resolves_groups_aliases_and_subresources() {
        let p = |r| parts(request_for("get", r, None).unwrap());
        assert_eq!(p("pods/exec"), ("".into(), "pods/exec".into()));
        assert_eq!(p("deploy"), ("apps".into(), "deployments".into()));
        assert_eq!(
            p("deployments.apps/scale"),
            ("apps".into(), "deployments/scale".into())
        );
        assert_eq!(
            p("widgets.example.com"),
            ("example.com".into(), "widgets".into())
        );
        assert_eq!(p("/metrics"), ("<url>".into(), "/metrics".into()));
        assert_eq!(p("*"), ("*".into(), "*".into()));
        assert!(request_for("get", "widgets", None).is_err());
        assert_eq!(
            p("deployments.v1.apps"),
            ("apps".into(), "deployments".into())
        );
        assert_eq!(
            p("apiservices"),
            ("apiregistration.k8s.io".into(), "apiservices".into())
        );
        for bad in ["pods/", ".", "pods/exec/x", "/", "a..b"] {
            if bad.starts_with('/') {
                continue;
            }
            assert!(request_for("get", bad, None).is_err(), "{bad}");
        }
        assert!(request_for("GET", "pods", None).is_err());
        assert!(request_for("", "pods", None).is_err());
    }
}
