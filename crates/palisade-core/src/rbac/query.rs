//! The questions users ask of the RBAC graph: who can do something, what a
//! subject can do, and how a subject could climb to cluster-admin.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::graph::{Grant, RbacGraph, Scope};
use super::matching::Request;
use super::model::{Subject, SubjectKind};
use crate::inventory::Inventory;

/// One link of a granting chain: a binding, a role, or the rule itself.
/// Its texts are shared, so that answers with 100,000 chains are cheap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub kind: &'static str,
    pub name: Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Arc<str>>,
    /// Where it is written; `None` for a built-in role the scan did not
    /// include.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The field within it: `subjects[0]`, `rules[2]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<Arc<str>>,
    /// The rule, in short form, on the step that holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Arc<str>>,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name)?,
            None => write!(f, "{} {}", self.kind, self.name)?,
        }
        if let Some(path) = &self.path {
            write!(f, " {path}")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, " [{rule}]")?;
        }
        match (&self.file, self.line) {
            // Read from a cluster: an object without a file position.
            (Some(_), Some(0)) => Ok(()),
            (Some(file), Some(line)) => write!(f, " ({file}:{line})"),
            _ => f.write_str(" (built in)"),
        }
    }
}

/// `binding → bound role → [aggregated role holding the rule]`, located.
pub fn chain(inventory: &Inventory, grant: &Grant<'_>) -> Vec<Step> {
    chain_with(inventory, grant, &mut ChainTexts::default())
}

/// The texts chains repeat (names, paths, rule summaries), made once per
/// query.
#[derive(Default)]
pub struct ChainTexts {
    bindings: HashMap<usize, (Arc<str>, Option<Arc<str>>)>,
    roles: HashMap<usize, (Arc<str>, Option<Arc<str>>)>,
    summaries: HashMap<super::graph::RuleRef, Arc<str>>,
    paths: HashMap<(bool, usize), Arc<str>>,
    /// Where each role (`None`) or rule is written.
    lines: HashMap<(usize, Option<usize>), u32>,
}

fn name_and_namespace(name: &str, namespace: Option<&str>) -> (Arc<str>, Option<Arc<str>>) {
    (
        Arc::from(name),
        namespace.filter(|ns| !ns.is_empty()).map(Arc::from),
    )
}

impl ChainTexts {
    fn path(&mut self, subjects: bool, index: usize) -> Arc<str> {
        self.paths
            .entry((subjects, index))
            .or_insert_with(|| {
                let field = if subjects { "subjects" } else { "rules" };
                Arc::from(format!("{field}[{index}]"))
            })
            .clone()
    }
}

/// [`chain`] with the texts of earlier chains of the same query.
pub fn chain_with(inventory: &Inventory, grant: &Grant<'_>, texts: &mut ChainTexts) -> Vec<Step> {
    let graph = inventory.rbac();
    let binding = grant.binding;
    let object = inventory.object(binding.object);
    let subject_path = super::model::Binding::subject_path(grant.subject_index);
    let (name, namespace) = texts
        .bindings
        .entry(binding.object)
        .or_insert_with(|| name_and_namespace(&binding.name, binding.namespace.as_deref()))
        .clone();
    let mut steps = vec![Step {
        kind: if binding.is_cluster_binding() {
            "ClusterRoleBinding"
        } else {
            "RoleBinding"
        },
        name,
        namespace,
        file: Some(Arc::clone(&object.source.file)),
        line: Some(object.source.locate(&subject_path).line),
        path: Some(texts.path(true, grant.subject_index)),
        rule: None,
    }];
    let role_step = |texts: &mut ChainTexts, index: usize, rule: Option<super::graph::RuleRef>| {
        let role = graph.role(index);
        let (name, namespace) = texts
            .roles
            .entry(index)
            .or_insert_with(|| name_and_namespace(&role.name, role.namespace.as_deref()))
            .clone();
        // A built-in role's rules are not numbered as in any file.
        let numbered = rule.filter(|_| role.object.is_some());
        let (file, line) = match role.object {
            Some(o) => {
                let r = inventory.object(o);
                let line = *texts
                    .lines
                    .entry((index, numbered.map(|n| n.index)))
                    .or_insert_with(|| {
                        numbered
                            .map_or(r.source.pos, |rule| r.source.locate(&rule.path()))
                            .line
                    });
                (Some(Arc::clone(&r.source.file)), Some(line))
            }
            None => (None, None),
        };
        Step {
            kind: role.kind(),
            name,
            namespace,
            file,
            line,
            path: numbered.map(|rule| texts.path(false, rule.index)),
            rule: rule.map(|rule| {
                texts
                    .summaries
                    .entry(rule)
                    .or_insert_with(|| Arc::from(graph.rule(rule).summary()))
                    .clone()
            }),
        }
    };
    match binding.role {
        Some(bound) if bound == grant.rule.role => {
            steps.push(role_step(texts, bound, Some(grant.rule)));
        }
        Some(bound) => {
            steps.push(role_step(texts, bound, None));
            steps.push(role_step(texts, grant.rule.role, Some(grant.rule)));
        }
        None => {}
    }
    steps
}

/// `cluster-wide` or `namespace NAME`.
pub fn scope_text(namespace: Option<&str>) -> String {
    match namespace {
        Some("") => "the namespace the manifests are applied to".to_string(),
        Some(ns) => format!("namespace {ns}"),
        None => "cluster-wide".to_string(),
    }
}

/// One subject holding a power, and every chain that grants it.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectEntry {
    pub kind: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Where the power holds: `cluster-wide` or `namespace NAME` (the
    /// widest of the chains).
    pub scope: String,
    /// The first granting chain (cluster-wide ones first).
    pub via: Vec<Step>,
    /// Further chains granting the same power, if any.
    #[serde(rename = "alsoVia", skip_serializing_if = "Vec::is_empty")]
    pub also_via: Vec<Vec<Step>>,
}

/// One subject holding a power, with the grants that give it (cluster-wide
/// ones first).
#[derive(Debug, Clone)]
pub struct SubjectGrants<'g> {
    pub subject: &'g Subject,
    pub grants: Vec<Grant<'g>>,
}

impl SubjectGrants<'_> {
    /// The subject with every granting chain written out.
    pub fn entry(&self, inventory: &Inventory, texts: &mut ChainTexts) -> SubjectEntry {
        let mut chains = self.grants.iter().map(|g| chain_with(inventory, g, texts));
        SubjectEntry {
            kind: self.subject.kind.as_str(),
            name: self.subject.name.clone(),
            namespace: self.subject.namespace.clone(),
            scope: scope_text(self.grants[0].namespace()),
            via: chains.next().unwrap_or_default(),
            also_via: chains.collect(),
        }
    }
}

/// Everyone who can do `request` in `scope`: the subjects as bindings
/// name them (a group stands for all its members), sorted, each with its
/// grants. [`SubjectGrants::entry`] writes out the chains.
pub fn who_can<'g>(
    inventory: &'g Inventory,
    request: &Request,
    scope: Scope<'_>,
) -> Vec<SubjectGrants<'g>> {
    // Without an object name, a rule limited to names grants the power for
    // those names: it counts, and its summary says which.
    let any_object = matches!(request, Request::Resource { name: None, .. });
    let grants = inventory.rbac().grants_of(request, scope, any_object);
    // Group by subject first: sorting 100,000 grants by subject name would
    // cost more than finding them.
    let mut by_subject: HashMap<&Subject, Vec<Grant<'_>>> = HashMap::new();
    for grant in grants {
        by_subject.entry(grant.subject).or_default().push(grant);
    }
    let mut subjects: Vec<SubjectGrants<'_>> = by_subject
        .into_iter()
        .map(|(subject, mut grants)| {
            grants.sort_by_key(|g| (g.binding.namespace.is_some(), g.binding.object, g.rule));
            SubjectGrants { subject, grants }
        })
        .collect();
    subjects.sort_by(|a, b| a.subject.cmp(b.subject));
    subjects
}

/// [`who_can`] with every chain written out.
pub fn who_can_entries(
    inventory: &Inventory,
    request: &Request,
    scope: Scope<'_>,
) -> Vec<SubjectEntry> {
    let mut texts = ChainTexts::default();
    who_can(inventory, request, scope)
        .iter()
        .map(|s| s.entry(inventory, &mut texts))
        .collect()
}

/// One rule a subject holds, with where and why.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldRule {
    pub verbs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    #[serde(rename = "nonResourceURLs", skip_serializing_if = "Vec::is_empty")]
    pub non_resource_urls: Vec<String>,
    pub scope: String,
    /// The subject or group the binding names.
    pub granted_to: String,
    pub via: Vec<Step>,
}

/// Everything `who` (member of `groups`, besides its implicit ones) can do.
pub fn can(inventory: &Inventory, who: &Subject, groups: &[String]) -> Vec<HeldRule> {
    let graph = inventory.rbac();
    let mut all_groups = who.implicit_groups();
    all_groups.extend(groups.iter().cloned());
    let mut grants: Vec<Grant<'_>> = graph
        .grants(Scope::Anywhere, |_| true)
        .into_iter()
        .filter(|g| RbacGraph::subject_covers(g.subject, who, &all_groups))
        // A RoleBinding grants nothing of a rule about cluster-scoped
        // resources only (nodes, ClusterRoles): leave such rules out.
        .filter(|g| {
            let rule = graph.rule(g.rule);
            g.binding.is_cluster_binding()
                || rule.resources.iter().any(|r| {
                    rule.verbs
                        .iter()
                        .any(|v| !super::model::is_cluster_scoped(v, r))
                })
        })
        .collect();
    grants.sort_by_key(|g| {
        (
            g.binding.namespace.is_some(),
            g.binding.namespace.clone(),
            g.binding.object,
            g.rule,
        )
    });
    let mut texts = ChainTexts::default();
    grants
        .iter()
        .map(|g| {
            let rule = graph.rule(g.rule);
            HeldRule {
                verbs: rule.verbs.clone(),
                api_groups: rule.api_groups.clone(),
                resources: rule.resources.clone(),
                resource_names: rule.resource_names.clone(),
                non_resource_urls: rule.non_resource_urls.clone(),
                scope: scope_text(g.namespace()),
                granted_to: g.subject.to_string(),
                via: chain_with(inventory, g, &mut texts),
            }
        })
        .collect()
}

/// Whether `who` holds every verb on every resource cluster-wide.
pub fn is_superuser(graph: &RbacGraph, who: &Subject, groups: &[String]) -> bool {
    graph.allows(
        who,
        groups,
        &Request::resource("*", "*", "*"),
        Scope::Cluster,
    )
}

// ---------------------------------------------------------------- paths

/// A node of the escalation graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Node {
    Subject(Subject),
    /// Holds cluster-admin-equivalent power.
    Admin,
    /// The tokens of every service account of a namespace (`None`: of
    /// every namespace): reachable by creating pods there, or minting
    /// tokens.
    AccountsOf(Option<String>),
    /// The service accounts whose pods run in a namespace (exec into them,
    /// or change their controllers).
    RunningIn(Option<String>),
    /// Service accounts with a legacy token Secret in a namespace.
    LegacyTokensIn(Option<String>),
    /// Every user named in a binding (impersonation).
    Users,
    /// The service accounts of this name in a namespace (`None`: in any).
    NamedAccounts(Option<String>, String),
    /// The service account whose legacy token Secret has this name.
    NamedTokenSecret(Option<String>, String),
}

#[derive(Debug, Clone)]
struct Edge {
    to: Node,
    /// What the step does, in words.
    action: String,
    /// The grant that allows it, if any (membership edges have none).
    grant: Option<(usize, usize, super::graph::RuleRef)>,
}

/// One step of an escalation path.
#[derive(Debug, Clone, Serialize)]
pub struct PathStep {
    /// The subject taking the step.
    pub from: String,
    pub action: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<Step>,
}

/// How one subject can reach cluster-admin-equivalent power.
#[derive(Debug, Clone, Serialize)]
pub struct EscalationPath {
    pub kind: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub steps: Vec<PathStep>,
}

/// One request a lever needs: `(verb, group, resource, object name)`; a
/// name asks about that object (a `resourceNames` rule must list it),
/// `None` about any object.
type LeverRequest = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// Powers that lead somewhere, tested against each binding's rules.
struct Lever {
    requests: &'static [LeverRequest],
    /// Every request must be granted (by the same binding) for the lever
    /// to work; otherwise any one is enough.
    all: bool,
    action: &'static str,
    /// Where the lever leads when granted in a namespace (`Some`) or
    /// cluster-wide (`None`); `None` when it leads nowhere from there.
    target: fn(Option<&str>) -> Option<Node>,
    /// Where a rule limited to `resourceNames` leads, per name.
    named: Option<fn(Option<&str>, &str) -> Node>,
}

fn named_user(_: Option<&str>, name: &str) -> Node {
    Node::Subject(Subject::user(name))
}

fn named_group(_: Option<&str>, name: &str) -> Node {
    Node::Subject(Subject::group(name))
}

fn named_account(ns: Option<&str>, name: &str) -> Node {
    Node::NamedAccounts(ns.map(str::to_string), name.to_string())
}

fn named_token_secret(ns: Option<&str>, name: &str) -> Node {
    Node::NamedTokenSecret(ns.map(str::to_string), name.to_string())
}

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

fn cluster_only(ns: Option<&str>) -> Option<Node> {
    ns.is_none().then_some(Node::Admin)
}

fn accounts_of(ns: Option<&str>) -> Option<Node> {
    Some(Node::AccountsOf(ns.map(str::to_string)))
}

fn running_in(ns: Option<&str>) -> Option<Node> {
    Some(Node::RunningIn(ns.map(str::to_string)))
}

const LEVERS: &[Lever] = &[
    Lever {
        requests: &[
            ("bind", RBAC_GROUP, "clusterroles", Some("cluster-admin")),
            ("create", RBAC_GROUP, "clusterrolebindings", None),
        ],
        all: true,
        action: "bind cluster-admin to itself (bind on clusterroles, create clusterrolebindings)",
        target: cluster_only,
        named: None,
    },
    Lever {
        requests: &[
            ("escalate", RBAC_GROUP, "clusterroles", None),
            ("update", RBAC_GROUP, "clusterroles", None),
        ],
        all: true,
        action:
            "add any permission to the ClusterRoles it holds (escalate and update on clusterroles)",
        target: cluster_only,
        named: None,
    },
    Lever {
        requests: &[
            ("escalate", RBAC_GROUP, "clusterroles", None),
            ("patch", RBAC_GROUP, "clusterroles", None),
        ],
        all: true,
        action:
            "add any permission to the ClusterRoles it holds (escalate and patch on clusterroles)",
        target: cluster_only,
        named: None,
    },
    Lever {
        requests: &[("impersonate", "", "groups", Some("system:masters"))],
        all: false,
        action: "impersonate the group system:masters",
        target: cluster_only,
        named: Some(named_group),
    },
    Lever {
        requests: &[("impersonate", "", "users", None)],
        all: false,
        action: "impersonate any user",
        target: |ns| ns.is_none().then_some(Node::Users),
        named: Some(named_user),
    },
    Lever {
        requests: &[
            ("create", "", "pods", None),
            ("create", "apps", "deployments", None),
            ("create", "apps", "daemonsets", None),
            ("create", "apps", "statefulsets", None),
            ("create", "apps", "replicasets", None),
            ("create", "batch", "jobs", None),
            ("create", "batch", "cronjobs", None),
            ("create", "", "replicationcontrollers", None),
        ],
        all: false,
        action: "create a pod that mounts the token of any service account",
        target: accounts_of,
        named: None,
    },
    Lever {
        requests: &[("create", "", "serviceaccounts/token", None)],
        all: false,
        action: "mint a token for any service account",
        target: accounts_of,
        named: Some(named_account),
    },
    Lever {
        requests: &[("impersonate", "", "serviceaccounts", None)],
        all: false,
        action: "impersonate any service account",
        target: accounts_of,
        named: Some(named_account),
    },
    Lever {
        requests: &[
            ("create", "", "pods/exec", None),
            ("get", "", "pods/exec", None),
        ],
        all: false,
        action: "exec into running pods and read their service account tokens",
        target: running_in,
        named: None,
    },
    Lever {
        requests: &[
            ("patch", "apps", "deployments", None),
            ("update", "apps", "deployments", None),
            ("patch", "apps", "daemonsets", None),
            ("update", "apps", "daemonsets", None),
            ("patch", "apps", "statefulsets", None),
            ("update", "apps", "statefulsets", None),
        ],
        all: false,
        action: "change the pod template of running controllers",
        target: running_in,
        named: None,
    },
    Lever {
        requests: &[
            ("get", "", "nodes/proxy", None),
            ("create", "", "nodes/proxy", None),
        ],
        all: false,
        action: "run commands in any pod through the kubelet API (nodes/proxy)",
        target: |ns| ns.is_none().then_some(Node::RunningIn(None)),
        named: None,
    },
    Lever {
        requests: &[("get", "", "secrets", None), ("list", "", "secrets", None)],
        all: false,
        action: "read legacy service account token Secrets",
        target: |ns| Some(Node::LegacyTokensIn(ns.map(str::to_string))),
        named: Some(named_token_secret),
    },
];

fn subject_entry(s: &Subject) -> (&'static str, String, Option<String>) {
    (s.kind.as_str(), s.name.clone(), s.namespace.clone())
}

/// Every path by which a subject named in the inventory (not a control
/// plane one, and not already all-powerful) can gain cluster-admin-
/// equivalent power, shortest first per subject.
pub fn escalation_paths(inventory: &Inventory) -> Vec<EscalationPath> {
    let graph = inventory.rbac();
    let mut edges: BTreeMap<Node, Vec<Edge>> = BTreeMap::new();
    let mut subjects: BTreeMap<Subject, ()> = BTreeMap::new();
    let add = |edges: &mut BTreeMap<Node, Vec<Edge>>, from: Node, edge: Edge| {
        edges.entry(from).or_default().push(edge);
    };

    // Direct grants: admin power, and the levers.
    for (binding_index, binding) in graph.bindings().iter().enumerate() {
        for (_, s) in &binding.subjects {
            subjects.insert(s.clone(), ());
        }
        let Some(role) = binding.role else { continue };
        let rules = graph.effective_rules(role);
        let holds = |&(verb, group, resource, name): &LeverRequest| {
            rules.iter().copied().find(|&r| {
                graph
                    .rule(r)
                    .grants_resource(verb, group, resource, Some(name))
            })
        };
        let ns = binding.namespace.as_deref();
        let mut targets: Vec<(Node, String, super::graph::RuleRef)> = Vec::new();
        if binding.is_cluster_binding() {
            if let Some(r) = holds(&("*", "*", "*", None)) {
                targets.push((
                    Node::Admin,
                    "holds every permission cluster-wide".to_string(),
                    r,
                ));
            }
        }
        for lever in LEVERS {
            let Some(target) = (lever.target)(ns) else {
                continue;
            };
            if lever.all {
                // Needs several permissions, which may come from different
                // bindings: judged per subject below.
                continue;
            }
            let action = match ns {
                Some(ns) => format!("{} in {}", lever.action, scope_text(Some(ns))),
                None => format!("{} cluster-wide", lever.action),
            };
            if let Some(rule) = lever.requests.iter().find_map(holds) {
                targets.push((target, action, rule));
                continue;
            }
            // A rule limited to names leads to those objects only.
            let Some(named) = lever.named else { continue };
            for &(verb, group, resource, _) in lever.requests {
                for &r in rules {
                    let rule = graph.rule(r);
                    if rule.resource_names.is_empty()
                        || !rule.grants_resource(verb, group, resource, None)
                    {
                        continue;
                    }
                    for name in &rule.resource_names {
                        let action = format!("{} (only {name:?})", action);
                        targets.push((named(ns, name), action, r));
                    }
                }
            }
        }
        for (target, action, rule) in targets {
            for (i, s) in &binding.subjects {
                add(
                    &mut edges,
                    Node::Subject(s.clone()),
                    Edge {
                        to: target.clone(),
                        action: action.clone(),
                        grant: Some((binding_index, *i, rule)),
                    },
                );
            }
        }
    }
    // Levers that need several permissions at once (bind and create
    // bindings; escalate and update roles): a subject may hold them through
    // different bindings, and through its groups.
    for lever in LEVERS.iter().filter(|l| l.all) {
        let holders: Vec<BTreeMap<&Subject, Grant<'_>>> = lever
            .requests
            .iter()
            .map(|&(verb, group, resource, name)| {
                let mut holders = BTreeMap::new();
                let granted = graph.grants(Scope::Cluster, |rule| {
                    rule.grants_resource(verb, group, resource, Some(name))
                });
                for grant in granted {
                    holders.entry(grant.subject).or_insert(grant);
                }
                holders
            })
            .collect();
        if holders.iter().any(BTreeMap::is_empty) {
            continue;
        }
        for subject in subjects.keys() {
            let groups: Vec<Subject> = subject
                .implicit_groups()
                .iter()
                .map(|g| Subject::group(g))
                .collect();
            // The grant by which the subject (or one of its groups) holds
            // each permission.
            let held: Vec<Option<&Grant<'_>>> = holders
                .iter()
                .map(|h| {
                    h.get(subject)
                        .or_else(|| groups.iter().find_map(|g| h.get(g)))
                })
                .collect();
            if let Some(Some(&grant)) = held.iter().all(Option::is_some).then(|| held[0]) {
                let binding_index = graph
                    .bindings()
                    .iter()
                    .position(|b| std::ptr::eq(b, grant.binding))
                    .expect("a grant's binding is in the graph");
                add(
                    &mut edges,
                    Node::Subject(subject.clone()),
                    Edge {
                        to: Node::Admin,
                        action: format!("{} cluster-wide", lever.action),
                        grant: Some((binding_index, grant.subject_index, grant.rule)),
                    },
                );
            }
        }
    }
    // Membership: a user or service account has the powers of its groups.
    let members: Vec<Subject> = subjects
        .keys()
        .filter(|s| s.kind != SubjectKind::Group)
        .cloned()
        .collect();
    let mut accounts: BTreeMap<Subject, ()> = BTreeMap::new();
    for sa in inventory.of_kind("ServiceAccount") {
        let ns = sa.id.namespace.as_deref().unwrap_or("");
        accounts.insert(Subject::service_account(ns, &sa.id.name), ());
    }
    // Every namespace has a `default` service account, scanned or not.
    for ns in inventory.namespaces() {
        let name = ns.name.as_deref().unwrap_or("");
        accounts.insert(Subject::service_account(name, "default"), ());
    }
    for binding in graph.bindings() {
        if let Some(ns) = &binding.namespace {
            accounts.insert(Subject::service_account(ns, "default"), ());
        }
    }
    for s in members
        .iter()
        .filter(|s| s.kind == SubjectKind::ServiceAccount)
    {
        accounts.insert(s.clone(), ());
    }
    for s in members.iter().chain(accounts.keys()) {
        for group in s.implicit_groups() {
            add(
                &mut edges,
                Node::Subject(s.clone()),
                Edge {
                    to: Node::Subject(Subject::group(&group)),
                    action: format!("is a member of group {group}"),
                    grant: None,
                },
            );
        }
    }
    // Named pools: accounts by name, legacy token Secrets by name.
    for sa in accounts.keys() {
        let ns = sa.namespace.clone();
        for pool in [
            Node::NamedAccounts(ns.clone(), sa.name.clone()),
            Node::NamedAccounts(None, sa.name.clone()),
        ] {
            add(
                &mut edges,
                pool,
                Edge {
                    to: Node::Subject(sa.clone()),
                    action: format!("obtain the token of {sa}"),
                    grant: None,
                },
            );
        }
    }
    // What the pools of tokens contain.
    for sa in accounts.keys() {
        let ns = sa.namespace.clone();
        for pool in [Node::AccountsOf(ns.clone()), Node::AccountsOf(None)] {
            add(
                &mut edges,
                pool,
                Edge {
                    to: Node::Subject(sa.clone()),
                    action: format!("obtain the token of {sa}"),
                    grant: None,
                },
            );
        }
    }
    // Only pods that mount their token give it away to exec: the pod's
    // setting wins over its service account's.
    let no_automount: std::collections::HashSet<(&str, &str)> = inventory
        .of_kind("ServiceAccount")
        .filter(|sa| {
            sa.value
                .get("automountServiceAccountToken")
                .and_then(Value::as_bool)
                == Some(false)
        })
        .map(|sa| {
            (
                sa.id.namespace.as_deref().unwrap_or(""),
                sa.id.name.as_str(),
            )
        })
        .collect();
    for w in inventory.workloads() {
        let ns = w.namespace().unwrap_or("");
        let mounts = w
            .automount_token
            .unwrap_or_else(|| !no_automount.contains(&(ns, w.service_account.as_str())));
        if !mounts {
            continue;
        }
        let sa = Subject::service_account(ns, &w.service_account);
        for pool in [Node::RunningIn(Some(ns.to_string())), Node::RunningIn(None)] {
            add(
                &mut edges,
                pool,
                Edge {
                    to: Node::Subject(sa.clone()),
                    action: format!("obtain the token of {sa}, used by {}", w.id),
                    grant: None,
                },
            );
        }
    }
    for secret in inventory.of_kind("Secret") {
        let is_token = secret.value.get("type").and_then(Value::as_str)
            == Some("kubernetes.io/service-account-token");
        let ns = secret.id.namespace.as_deref().unwrap_or("");
        let Some(name) = secret.annotation("kubernetes.io/service-account.name") else {
            continue;
        };
        if !is_token {
            continue;
        }
        let sa = Subject::service_account(ns, name);
        for pool in [
            Node::LegacyTokensIn(Some(ns.to_string())),
            Node::LegacyTokensIn(None),
            Node::NamedTokenSecret(Some(ns.to_string()), secret.id.name.clone()),
            Node::NamedTokenSecret(None, secret.id.name.clone()),
        ] {
            add(
                &mut edges,
                pool,
                Edge {
                    to: Node::Subject(sa.clone()),
                    action: format!("read the token of {sa} from Secret {ns}/{}", secret.id.name),
                    grant: None,
                },
            );
        }
    }
    for user in members.iter().filter(|s| s.kind == SubjectKind::User) {
        add(
            &mut edges,
            Node::Users,
            Edge {
                to: Node::Subject(user.clone()),
                action: format!("act as {user}"),
                grant: None,
            },
        );
    }
    add(
        &mut edges,
        Node::Subject(Subject::group("system:masters")),
        Edge {
            to: Node::Admin,
            action: "is all-powerful (system:masters)".to_string(),
            grant: None,
        },
    );

    // Shortest distance to Admin from every node: BFS on reversed edges.
    let mut reverse: BTreeMap<&Node, Vec<(&Node, usize)>> = BTreeMap::new();
    for (from, list) in &edges {
        for (i, e) in list.iter().enumerate() {
            reverse.entry(&e.to).or_default().push((from, i));
        }
    }
    let admin = Node::Admin;
    let mut next: BTreeMap<&Node, usize> = BTreeMap::new();
    let mut dist: BTreeMap<&Node, usize> = BTreeMap::new();
    dist.insert(&admin, 0);
    let mut queue = VecDeque::from([&admin]);
    while let Some(node) = queue.pop_front() {
        let d = dist[node];
        for &(from, edge) in reverse.get(node).into_iter().flatten() {
            if !dist.contains_key(from) {
                dist.insert(from, d + 1);
                next.insert(from, edge);
                queue.push_back(from);
            }
        }
    }

    let mut out = Vec::new();
    for s in subjects.keys().chain(accounts.keys()) {
        if s.is_control_plane()
            || out.iter().any(|p: &EscalationPath| {
                (p.kind, &p.name, &p.namespace) == (s.kind.as_str(), &s.name, &s.namespace)
            })
        {
            continue;
        }
        let start = Node::Subject(s.clone());
        let Some(&d) = dist.get(&start) else { continue };
        // Holding admin power directly is what cluster-admin bindings
        // report; a path is about gaining it.
        // Holding admin power already (itself or through a group it is in)
        // is what cluster-admin bindings report; a path is about gaining it.
        let holds_directly = |node: &Node| {
            edges.get(node).is_some_and(|l| {
                l.iter().any(|e| {
                    e.to == Node::Admin
                        && (e.action.starts_with("holds")
                            || e.action.starts_with("is all-powerful"))
                })
            })
        };
        let direct = holds_directly(&start)
            || s.implicit_groups()
                .iter()
                .any(|g| holds_directly(&Node::Subject(Subject::group(g))));
        if d == 0 || direct {
            continue;
        }
        let mut steps = Vec::new();
        let mut node = &start;
        let mut actor = s.to_string();
        while *node != Node::Admin {
            let edge = &edges[node][next[node]];
            let via = edge.grant.and_then(|(binding_index, subject_index, rule)| {
                let binding = &graph.bindings()[binding_index];
                let (_, subject) = binding.subjects.iter().find(|(i, _)| *i == subject_index)?;
                Some(chain(
                    inventory,
                    &Grant {
                        binding,
                        subject_index,
                        subject,
                        rule,
                    },
                ))
            });
            steps.push(PathStep {
                from: actor.clone(),
                action: edge.action.clone(),
                via: via.unwrap_or_default(),
            });
            if let Node::Subject(next_subject) = &edge.to {
                if !edge.action.starts_with("is a member") {
                    actor = next_subject.to_string();
                }
            }
            node = &edge.to;
        }
        let (kind, name, namespace) = subject_entry(s);
        out.push(EscalationPath {
            kind,
            name,
            namespace,
            steps,
        });
    }
    // A member whose path only goes through a group that has its own path
    // adds nothing: every member of `system:authenticated` would repeat it.
    let groups_with_paths: Vec<String> = out
        .iter()
        .filter(|p| p.kind == SubjectKind::Group.as_str())
        .map(|p| p.name.clone())
        .collect();
    out.retain(|p| {
        let through_group = p
            .steps
            .first()
            .and_then(|s| s.action.strip_prefix("is a member of group "));
        !through_group.is_some_and(|g| groups_with_paths.iter().any(|name| name == g))
    });
    out.sort_by(|a, b| {
        (a.steps.len(), a.kind, &a.namespace, &a.name).cmp(&(
            b.steps.len(),
            b.kind,
            &b.namespace,
            &b.name,
        ))
    });
    out
}
