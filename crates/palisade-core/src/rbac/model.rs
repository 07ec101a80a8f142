//! RBAC objects as the authorizer reads them: subjects, rules, roles and
//! bindings.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::path::FieldPath;
use crate::resource::Resource;
use crate::selector::{labels_of, Labels};

/// The label the API server puts on the roles and bindings it creates.
pub const BOOTSTRAP_LABEL: (&str, &str) = ("kubernetes.io/bootstrapping", "rbac-defaults");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum SubjectKind {
    User,
    Group,
    ServiceAccount,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::User => "User",
            SubjectKind::Group => "Group",
            SubjectKind::ServiceAccount => "ServiceAccount",
        }
    }
}

/// A user, group or service account named by a binding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    pub kind: SubjectKind,
    pub name: String,
    /// Service accounts only.
    pub namespace: Option<String>,
}

impl Subject {
    pub fn user(name: &str) -> Subject {
        Subject {
            kind: SubjectKind::User,
            name: name.to_string(),
            namespace: None,
        }
    }

    pub fn group(name: &str) -> Subject {
        Subject {
            kind: SubjectKind::Group,
            name: name.to_string(),
            namespace: None,
        }
    }

    pub fn service_account(namespace: &str, name: &str) -> Subject {
        Subject {
            kind: SubjectKind::ServiceAccount,
            name: name.to_string(),
            namespace: Some(namespace.to_string()),
        }
    }

    /// Parses `User/alice`, `Group/dev`, `ServiceAccount/ns/name`, `sa/ns/name`
    /// or a user name as the API server sees it
    /// (`system:serviceaccount:ns:name` is the service account).
    pub fn parse(text: &str) -> Option<Subject> {
        if let Some(rest) = text.strip_prefix("system:serviceaccount:") {
            let (ns, name) = rest.split_once(':')?;
            return (!ns.is_empty() && !name.is_empty())
                .then(|| Subject::service_account(ns, name));
        }
        let Some((kind, rest)) = text.split_once('/') else {
            return (!text.is_empty()).then(|| Subject::user(text));
        };
        match kind.to_ascii_lowercase().as_str() {
            "user" | "u" if !rest.is_empty() => Some(Subject::user(rest)),
            "group" | "g" if !rest.is_empty() => Some(Subject::group(rest)),
            // `sa//name`: a service account of the namespace the manifests
            // are applied to.
            "serviceaccount" | "sa" => {
                let (ns, name) = rest.split_once('/')?;
                (!name.is_empty() && !name.contains('/'))
                    .then(|| Subject::service_account(ns, name))
            }
            _ => None,
        }
    }

    /// The groups the API server puts every request of this subject in,
    /// besides any its authenticator adds (only known for service
    /// accounts and the anonymous user).
    pub fn implicit_groups(&self) -> Vec<String> {
        match self.kind {
            SubjectKind::ServiceAccount => vec![
                "system:serviceaccounts".to_string(),
                format!(
                    "system:serviceaccounts:{}",
                    self.namespace.as_deref().unwrap_or("")
                ),
                "system:authenticated".to_string(),
            ],
            SubjectKind::User if self.name == "system:anonymous" => {
                vec!["system:unauthenticated".to_string()]
            }
            SubjectKind::User => vec!["system:authenticated".to_string()],
            SubjectKind::Group => Vec::new(),
        }
    }

    /// A subject the control plane itself uses: `system:` users and groups
    /// other than the catch-all ones, and service accounts of
    /// `kube-system`.
    pub fn is_control_plane(&self) -> bool {
        match self.kind {
            SubjectKind::User => {
                self.name.starts_with("system:") && self.name != "system:anonymous"
            }
            SubjectKind::Group => {
                self.name.starts_with("system:") && !is_catch_all_group(&self.name)
            }
            SubjectKind::ServiceAccount => self.namespace.as_deref() == Some("kube-system"),
        }
    }
}

/// Whether the authorizer checks `verb` on `resource` without a
/// namespace, so that a RoleBinding cannot grant it. `namespaces` is not
/// one (a RoleBinding grants access to its own namespace object), nor
/// `bind` on ClusterRoles, which is checked in the namespace of the
/// RoleBinding being created.
pub fn is_cluster_scoped(verb: &str, resource: &str) -> bool {
    let base = resource.split('/').next().unwrap_or(resource);
    if verb == "bind" && base == "clusterroles" {
        return false;
    }
    // A RoleBinding reaches its own Namespace object by name, never the
    // collection.
    if base == "namespaces" {
        return matches!(verb, "create" | "list" | "watch" | "deletecollection" | "*");
    }
    matches!(
        base,
        "nodes"
            | "persistentvolumes"
            | "tokenreviews"
            | "subjectaccessreviews"
            | "selfsubjectaccessreviews"
            | "selfsubjectrulesreviews"
            | "selfsubjectreviews"
            | "runtimeclasses"
            | "ingressclasses"
            | "csidrivers"
            | "csinodes"
            | "volumeattachments"
            | "apiservices"
            | "flowschemas"
            | "prioritylevelconfigurations"
            | "ipaddresses"
            | "servicecidrs"
            | "componentstatuses"
            | "mutatingadmissionpolicies"
            | "mutatingadmissionpolicybindings"
            | "clusterroles"
            | "clusterrolebindings"
            | "certificatesigningrequests"
            | "signers"
            | "validatingwebhookconfigurations"
            | "mutatingwebhookconfigurations"
            | "validatingadmissionpolicies"
            | "validatingadmissionpolicybindings"
            | "customresourcedefinitions"
            | "storageclasses"
            | "priorityclasses"
            | "users"
            | "groups"
            | "uids"
            | "userextras"
    )
}

/// Groups that hold every user of a kind rather than chosen ones.
pub fn is_catch_all_group(name: &str) -> bool {
    matches!(
        name,
        "system:authenticated" | "system:unauthenticated" | "system:serviceaccounts"
    ) || name.starts_with("system:serviceaccounts:")
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.namespace.as_deref() {
            Some("") => write!(f, "{} {} (namespace unset)", self.kind.as_str(), self.name),
            Some(ns) => write!(f, "{} {}/{}", self.kind.as_str(), ns, self.name),
            None => write!(f, "{} {}", self.kind.as_str(), self.name),
        }
    }
}

/// One `rules[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyRule {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl PolicyRule {
    pub fn parse(value: &Value) -> PolicyRule {
        PolicyRule {
            verbs: strings(value.get("verbs")),
            api_groups: strings(value.get("apiGroups")),
            resources: strings(value.get("resources")),
            resource_names: strings(value.get("resourceNames")),
            non_resource_urls: strings(value.get("nonResourceURLs")),
        }
    }

    /// What the API server would reject in a rule's shape (a list written
    /// as a string, say): such fields grant nothing here.
    pub fn shape_problems(value: &Value) -> Vec<String> {
        let Some(rule) = value.as_object() else {
            return vec!["rule is not a mapping; it grants nothing".to_string()];
        };
        [
            "verbs",
            "apiGroups",
            "resources",
            "resourceNames",
            "nonResourceURLs",
        ]
        .iter()
        .filter(|key| {
            rule.get(**key)
                .is_some_and(|v| !v.is_array() && !v.is_null())
        })
        .map(|key| format!("`{key}` is not a list; it is ignored"))
        .collect()
    }

    pub fn from_static(verbs: &[&str], groups: &[&str], resources: &[&str]) -> PolicyRule {
        let own = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        PolicyRule {
            verbs: own(verbs),
            api_groups: own(groups),
            resources: own(resources),
            ..PolicyRule::default()
        }
    }

    /// Whether any of verbs, apiGroups or resources is `*`.
    pub fn has_wildcard(&self) -> bool {
        [&self.verbs, &self.api_groups, &self.resources]
            .iter()
            .any(|list| list.iter().any(|s| s == "*"))
    }

    /// Whether the rule is `*` verbs on `*` resources of `*` groups.
    pub fn is_full_wildcard(&self) -> bool {
        let star = |list: &[String]| list.iter().any(|s| s == "*");
        star(&self.verbs)
            && star(&self.api_groups)
            && star(&self.resources)
            && self.resource_names.is_empty()
    }

    /// A short form for messages: `get,list secrets` or `* */*`.
    pub fn summary(&self) -> String {
        let join = |list: &[String]| {
            if list.is_empty() {
                "-".to_string()
            } else {
                list.join(",")
            }
        };
        if !self.non_resource_urls.is_empty() {
            return format!("{} {}", join(&self.verbs), join(&self.non_resource_urls));
        }
        let groups: Vec<String> = self
            .api_groups
            .iter()
            .map(|g| {
                if g.is_empty() {
                    "core".to_string()
                } else {
                    g.clone()
                }
            })
            .collect();
        let mut text = format!(
            "{} {} ({})",
            join(&self.verbs),
            join(&self.resources),
            join(&groups)
        );
        if !self.resource_names.is_empty() {
            text.push_str(&format!(" only names {}", self.resource_names.join(",")));
        }
        text
    }
}

/// How a binding names its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRef {
    pub kind: String,
    pub name: String,
}

/// A Role or ClusterRole, from the inventory or built in.
#[derive(Debug, Clone)]
pub struct Role {
    /// Index of the object in the inventory; `None` for a built-in role
    /// that the scan did not include.
    pub object: Option<usize>,
    /// `None` for a ClusterRole.
    pub namespace: Option<String>,
    pub name: String,
    pub labels: Labels,
    pub rules: Vec<PolicyRule>,
    /// The ClusterRole selectors of an aggregated ClusterRole, with their
    /// path (`aggregationRule.clusterRoleSelectors[i]`).
    pub aggregation: Option<Vec<(FieldPath, crate::selector::Selector)>>,
    /// Created by the API server (bootstrap label or built-in).
    pub is_default: bool,
}

impl Role {
    pub fn is_cluster_role(&self) -> bool {
        self.namespace.is_none()
    }

    pub fn kind(&self) -> &'static str {
        if self.is_cluster_role() {
            "ClusterRole"
        } else {
            "Role"
        }
    }

    /// `ClusterRole view` or `Role team/reader`.
    pub fn display(&self) -> String {
        match self.namespace.as_deref() {
            Some("") => format!("Role {}", self.name),
            Some(ns) => format!("Role {ns}/{}", self.name),
            None => format!("ClusterRole {}", self.name),
        }
    }
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone)]
pub struct Binding {
    pub object: usize,
    /// `None` for a ClusterRoleBinding, which grants cluster-wide.
    pub namespace: Option<String>,
    pub name: String,
    pub role_ref: RoleRef,
    /// Index into the graph's roles, when the role exists.
    pub role: Option<usize>,
    /// Each subject with its index in `subjects[]`.
    pub subjects: Vec<(usize, Subject)>,
    pub is_default: bool,
}

impl Binding {
    pub fn is_cluster_binding(&self) -> bool {
        self.namespace.is_none()
    }

    pub fn display(&self) -> String {
        match self.namespace.as_deref() {
            Some("") => format!("RoleBinding {}", self.name),
            Some(ns) => format!("RoleBinding {ns}/{}", self.name),
            None => format!("ClusterRoleBinding {}", self.name),
        }
    }

    /// Where subject `index` is written.
    pub fn subject_path(index: usize) -> FieldPath {
        FieldPath::root().join("subjects").join(index)
    }
}

pub fn is_bootstrap(resource: &Resource) -> bool {
    let labels = labels_of(resource.metadata().and_then(|m| m.get("labels")));
    labels.get(BOOTSTRAP_LABEL.0).map(String::as_str) == Some(BOOTSTRAP_LABEL.1)
}

/// Parses a binding's subjects; invalid ones are reported through
/// `problem` (path, message) and left out.
pub fn parse_subjects(
    resource: &Resource,
    mut problem: impl FnMut(FieldPath, String),
) -> Vec<(usize, Subject)> {
    let subjects = resource.value.get("subjects");
    if subjects.is_some_and(|s| !s.is_array() && !s.is_null()) {
        problem(
            FieldPath::root().join("subjects"),
            "`subjects` is not a list".to_string(),
        );
    }
    let list = subjects.and_then(Value::as_array);
    let mut out = Vec::new();
    for (i, s) in list.into_iter().flatten().enumerate() {
        let text = |k: &str| s.get(k).and_then(Value::as_str).filter(|v| !v.is_empty());
        let path = Binding::subject_path(i);
        let Some(name) = text("name") else {
            problem(path, "subject has no name".to_string());
            continue;
        };
        let subject = match text("kind") {
            // The API server authenticates a service account as this user
            // name, so such a User subject is the service account.
            Some("User") => Subject::parse(name)
                .filter(|s| {
                    s.kind == SubjectKind::ServiceAccount
                        && name.starts_with("system:serviceaccount:")
                })
                .unwrap_or_else(|| Subject::user(name)),
            Some("Group") => Subject::group(name),
            Some("ServiceAccount") => {
                // The authorizer reads a RoleBinding's service account
                // without a namespace as one of the binding's namespace
                // (which may itself be left to `kubectl apply -n`).
                let binding_ns = (resource.kind() == "RoleBinding")
                    .then(|| resource.id.namespace.as_deref().unwrap_or(""));
                let ns = text("namespace").or(binding_ns);
                match ns {
                    Some(ns) => Subject::service_account(ns, name),
                    None => {
                        problem(
                            path,
                            format!("ServiceAccount subject {name:?} has no namespace"),
                        );
                        continue;
                    }
                }
            }
            other => {
                problem(
                    path,
                    format!(
                        "subject kind {:?} is not User, Group or ServiceAccount",
                        other.unwrap_or("")
                    ),
                );
                continue;
            }
        };
        out.push((i, subject));
    }
    out
}
