//! The audit policy (`audit.k8s.io/v1` Policy) the API server's
//! `--audit-policy-file` names. The API server logs each request at the
//! level of the first rule that matches it, so a question such as "are
//! Secret bodies logged?" is answered by walking the rules in order for
//! that request, matching as the API server's policy checker does. Rules
//! limited to some users, namespaces or object names decide for those
//! requests only; the first rule without such limits decides for every
//! request left.

use palisade_core::{FieldPath, Resource};
use serde_json::Value;

use super::{at, component_file, load_object};
use crate::benchmark::settings::API_AUDIT_POLICY_FILE;
use crate::benchmark::Outcome;
use crate::model::{ComponentKind, Node};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    Metadata,
    Request,
    RequestResponse,
}

impl Level {
    fn parse(text: &str) -> Option<Level> {
        match text {
            "None" => Some(Level::None),
            "Metadata" => Some(Level::Metadata),
            "Request" => Some(Level::Request),
            "RequestResponse" => Some(Level::RequestResponse),
            _ => None,
        }
    }

    /// Whether an event for `verb` at this level carries the object: a
    /// write's request body from `Request` up, a response body only at
    /// `RequestResponse` (reads have no request body).
    fn records_object(self, verb: &str) -> bool {
        match self {
            Level::RequestResponse => true,
            Level::Request => matches!(verb, "create" | "update" | "patch"),
            Level::None | Level::Metadata => false,
        }
    }
}

/// A resource request to ask the policy about, by any user.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    pub group: &'static str,
    pub resource: &'static str,
    pub subresource: Option<&'static str>,
    pub verb: &'static str,
    /// Namespaced requests can be in any namespace; cluster-scoped ones
    /// have the namespace `""`.
    pub namespaced: bool,
}

impl Request {
    fn combined(&self) -> String {
        match self.subresource {
            Some(sub) => format!("{}/{sub}", self.resource),
            None => self.resource.to_string(),
        }
    }
}

/// How the policy logs one kind of request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The level for requests no narrower rule catches, and the index of
    /// the rule that sets it (`None` when no rule matches: not logged).
    pub general: (Level, Option<usize>),
    /// Rules before it that catch some of these requests (some users,
    /// namespaces or names), with their levels.
    pub narrower: Vec<(usize, Level)>,
}

/// The policy's rules, parsed; a rule with an unknown level is an error.
pub struct Policy {
    resource: Resource,
    rules: Vec<Value>,
    levels: Vec<Level>,
}

impl Policy {
    pub fn parse(resource: Resource) -> Result<Policy, String> {
        let rules = resource
            .value
            .get("rules")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut levels = Vec::with_capacity(rules.len());
        for (i, rule) in rules.iter().enumerate() {
            let text = rule
                .get("level")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let level = Level::parse(text).ok_or_else(|| {
                format!(
                    "{}: unknown audit level {text:?}",
                    at(&resource, &rule_path(i).join("level"))
                )
            })?;
            levels.push(level);
        }
        Ok(Policy {
            resource,
            rules,
            levels,
        })
    }

    pub fn rule_at(&self, index: usize) -> String {
        at(&self.resource, &rule_path(index))
    }

    pub fn coverage(&self, request: &Request) -> Coverage {
        let mut narrower = Vec::new();
        for ((i, rule), level) in self.rules.iter().enumerate().zip(&self.levels) {
            match matches(rule, request) {
                Match::No => {}
                Match::Some => narrower.push((i, *level)),
                Match::All => {
                    return Coverage {
                        general: (*level, Some(i)),
                        narrower,
                    }
                }
            }
        }
        Coverage {
            general: (Level::None, None),
            narrower,
        }
    }
}

fn rule_path(index: usize) -> FieldPath {
    FieldPath::root().join("rules").join(index)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    No,
    /// Matches the request for some users, namespaces or names only.
    Some,
    All,
}

fn strings(rule: &Value, key: &str) -> Option<Vec<String>> {
    let list: Vec<String> = rule
        .get(key)?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    (!list.is_empty()).then_some(list)
}

fn matches(rule: &Value, request: &Request) -> Match {
    // Users and groups: only some callers.
    let mut narrowed = strings(rule, "users").is_some() || strings(rule, "userGroups").is_some();
    // Verbs are compared exactly; `*` is not a wildcard here.
    if strings(rule, "verbs").is_some_and(|verbs| !verbs.iter().any(|v| v == request.verb)) {
        return Match::No;
    }
    let namespaces = strings(rule, "namespaces");
    let resources = rule
        .get("resources")
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty());
    if namespaces.is_none() && resources.is_none() {
        // Only non-resource URLs: never a resource request.
        if strings(rule, "nonResourceURLs").is_some() {
            return Match::No;
        }
        return if narrowed { Match::Some } else { Match::All };
    }
    if let Some(namespaces) = namespaces {
        if request.namespaced {
            narrowed = true;
        } else if !namespaces.iter().any(|n| n.is_empty()) {
            return Match::No;
        }
    }
    if let Some(entries) = resources {
        match entries
            .iter()
            .map(|e| entry_matches(e, request))
            .max_by_key(|m| match m {
                Match::No => 0,
                Match::Some => 1,
                Match::All => 2,
            }) {
            Some(Match::All) => {}
            Some(Match::Some) => narrowed = true,
            _ => return Match::No,
        }
    }
    if narrowed {
        Match::Some
    } else {
        Match::All
    }
}

/// One `resources[]` entry, as the API server matches it: the same API
/// group; no resource list (the whole group, whatever `resourceNames`
/// says); or a resource named exactly (`pods` is not `pods/exec`), `*`,
/// `*/exec` (a subresource of anything) or `pods/*` (pods and all their
/// subresources). `resourceNames` limits the entry to some objects.
fn entry_matches(entry: &Value, request: &Request) -> Match {
    let group = entry
        .get("group")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if group != request.group {
        return Match::No;
    }
    let Some(names) = strings(entry, "resources") else {
        return Match::All;
    };
    let combined = request.combined();
    let hit = names.iter().any(|name| {
        *name == combined
            || name == "*"
            || request
                .subresource
                .is_some_and(|sub| name.strip_prefix("*/") == Some(sub))
            || name.strip_suffix("/*") == Some(request.resource)
    });
    match (hit, strings(entry, "resourceNames").is_some()) {
        (false, _) => Match::No,
        (true, true) => Match::Some,
        (true, false) => Match::All,
    }
}

/// The policy file, or the outcome when there is none to judge.
fn policy(node: &Node) -> Result<Policy, Outcome> {
    let Some(apiserver) = node.component(ComponentKind::ApiServer) else {
        return Err(Outcome::not_applicable(
            "kube-apiserver does not run on this node",
        ));
    };
    let backend = ["audit-log-path", "audit-webhook-config-file"]
        .iter()
        .any(|flag| apiserver.flags.get(flag).is_some_and(|v| !v.is_empty()));
    match component_file(node, ComponentKind::ApiServer, API_AUDIT_POLICY_FILE) {
        Err(reason) => Err(Outcome::error(reason)),
        Ok(None) => Err(Outcome::not_applicable(
            "the API server has no --audit-policy-file, so it writes no audit log (see 3.2.1)",
        )),
        Ok(Some(_)) if !backend => Err(Outcome::not_applicable(
            "the API server has an audit policy but no --audit-log-path or --audit-webhook-config-file, so no audit event is written (see 1.2.16)",
        )),
        Ok(Some(file)) => load_object(&file).and_then(Policy::parse).map_err(Outcome::error),
    }
}

fn requests(
    group: &'static str,
    resources: &[&'static str],
    subresource: Option<&'static str>,
    verbs: &[&'static str],
    namespaced: bool,
) -> Vec<Request> {
    resources
        .iter()
        .flat_map(|resource| {
            verbs.iter().map(move |verb| Request {
                group,
                resource,
                subresource,
                verb,
                namespaced,
            })
        })
        .collect()
}

/// Whether Secret, ConfigMap or TokenReview contents reach the log.
fn sensitive_bodies_in(policy: &Policy) -> Outcome {
    let verbs = [
        "get", "list", "watch", "create", "update", "patch", "delete",
    ];
    let mut asked = requests("", &["secrets", "configmaps"], None, &verbs, true);
    asked.extend(requests(
        "authentication.k8s.io",
        &["tokenreviews"],
        None,
        &["create"],
        false,
    ));
    let mut leaks: Vec<String> = Vec::new();
    for request in &asked {
        let coverage = policy.coverage(request);
        let deciding = coverage
            .narrower
            .iter()
            .copied()
            .chain(coverage.general.1.map(|i| (i, coverage.general.0)));
        for (index, level) in deciding {
            if level.records_object(request.verb) {
                let line = format!(
                    "{} logs {} {} at {level:?}",
                    policy.rule_at(index),
                    request.verb,
                    request.combined()
                );
                if !leaks.contains(&line) {
                    leaks.push(line);
                }
            }
        }
    }
    if leaks.is_empty() {
        return Outcome::pass(vec![
            "no rule records the contents of secrets, configmaps or tokenreviews".into(),
        ]);
    }
    let reason = format!("the audit log receives secret values: {}", leaks[0]);
    Outcome::fail(
        leaks,
        reason,
        "log secrets, configmaps and tokenreviews at Metadata, in a rule placed before any Request or RequestResponse rule".into(),
    )
}

/// Requests whose general level is `None` (not logged for most callers),
/// one line per deciding rule: `rules[0] drops pods/exec, pods/attach`.
fn unlogged(policy: &Policy, asked: &[Request]) -> Vec<String> {
    let mut by_rule: Vec<(Option<usize>, Vec<String>)> = Vec::new();
    for request in asked {
        let coverage = policy.coverage(request);
        if coverage.general.0 != Level::None {
            continue;
        }
        let resource = request.combined();
        let rule = coverage.general.1;
        match by_rule.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, resources)) if resources.contains(&resource) => {}
            Some((_, resources)) => resources.push(resource),
            None => by_rule.push((rule, vec![resource])),
        }
    }
    by_rule
        .into_iter()
        .map(|(rule, resources)| match rule {
            Some(index) => format!("{} drops {}", policy.rule_at(index), resources.join(", ")),
            None => format!("no rule matches {}", resources.join(", ")),
        })
        .collect()
}

fn coverage_outcome(policy: &Policy, asked: &[Request], what: &str, fix: &str) -> Outcome {
    let missing = unlogged(policy, asked);
    if missing.is_empty() {
        return Outcome::pass(vec![format!("{what} are logged at Metadata or above")]);
    }
    let reason = format!("{what} are not audited: {}", missing[0]);
    Outcome::fail(missing, reason, fix.to_string())
}

/// Exec, attach and port-forward into pods are how an attacker works
/// inside a cluster; without them in the log there is no trace.
fn pod_access_in(policy: &Policy) -> Outcome {
    let mut asked = Vec::new();
    for sub in ["exec", "attach", "portforward"] {
        asked.extend(requests("", &["pods"], Some(sub), &["create", "get"], true));
    }
    coverage_outcome(
        policy,
        &asked,
        "exec, attach and port-forward into pods",
        "add a rule logging pods/exec, pods/attach and pods/portforward at Metadata before any rule that drops them",
    )
}

/// Changes to Roles and bindings are how privileges are granted.
fn rbac_changes_in(policy: &Policy) -> Outcome {
    let modify = ["create", "update", "patch", "delete"];
    let group = "rbac.authorization.k8s.io";
    let mut asked = requests(group, &["roles", "rolebindings"], None, &modify, true);
    asked.extend(requests(
        group,
        &["clusterroles", "clusterrolebindings"],
        None,
        &modify,
        false,
    ));
    coverage_outcome(
        policy,
        &asked,
        "changes to RBAC roles and bindings",
        "add a rule logging the rbac.authorization.k8s.io group at Metadata (or RequestResponse) before any rule that drops it",
    )
}

/// A first rule at `None` that matches everything makes the rest of the
/// policy dead: nothing is logged.
fn catch_all_none_first_in(policy: &Policy) -> Outcome {
    let Some(first) = policy.rules.first() else {
        return Outcome::fail(
            vec![format!(
                "{}: no rules",
                at(&policy.resource, &FieldPath::root())
            )],
            "the audit policy has no rules: nothing is logged".into(),
            "add rules; end with a catch-all rule at Metadata".into(),
        );
    };
    let selectors = [
        "users",
        "userGroups",
        "verbs",
        "resources",
        "namespaces",
        "nonResourceURLs",
    ];
    let catch_all = selectors.iter().all(|key| {
        strings(first, key).is_none()
            && first
                .get(key)
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
    });
    let evidence = vec![format!(
        "{} level {:?}",
        policy.rule_at(0),
        policy.levels[0]
    )];
    if catch_all && policy.levels[0] == Level::None {
        return Outcome::fail(
            evidence,
            format!(
                "{}: the first rule drops every request, so no later rule ever applies",
                policy.rule_at(0)
            ),
            "move the catch-all rule to the end of the policy, at Metadata".into(),
        );
    }
    Outcome::pass(evidence)
}

/// A judgement of a parsed policy.
type Judgement = fn(&Policy) -> Outcome;

/// Runs a judgement on the node's policy, or says why there is none.
fn with_policy(node: &Node, judge: Judgement) -> Outcome {
    match policy(node) {
        Ok(policy) => judge(&policy),
        Err(outcome) => outcome,
    }
}

/// PAL-CP-001.
pub fn sensitive_bodies(node: &Node) -> Outcome {
    with_policy(node, sensitive_bodies_in)
}

/// PAL-CP-002.
pub fn pod_access(node: &Node) -> Outcome {
    with_policy(node, pod_access_in)
}

/// PAL-CP-003.
pub fn rbac_changes(node: &Node) -> Outcome {
    with_policy(node, rbac_changes_in)
}

/// PAL-CP-004.
pub fn catch_all_none_first(node: &Node) -> Outcome {
    with_policy(node, catch_all_none_first_in)
}

/// Evidence for 3.2.2: what the palisade checks above find, from one
/// reading of the policy.
pub fn hint(node: &Node) -> Vec<String> {
    let policy = match policy(node) {
        Ok(policy) => policy,
        Err(outcome) => return outcome.reason.into_iter().collect(),
    };
    let judgements: [(&str, Judgement); 4] = [
        ("secret contents", sensitive_bodies_in),
        ("exec/attach/port-forward", pod_access_in),
        ("RBAC changes", rbac_changes_in),
        ("first rule", catch_all_none_first_in),
    ];
    judgements
        .iter()
        .map(|(name, judge)| {
            let outcome = judge(&policy);
            let detail = outcome
                .reason
                .or_else(|| outcome.evidence.first().cloned())
                .unwrap_or_default();
            format!("{name}: {} ({detail})", outcome.status.as_str())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(yaml: &str) -> Policy {
        let objects = crate::yaml::parse_objects("/etc/kubernetes/audit.yaml", yaml).unwrap();
        Policy::parse(objects.into_iter().next().unwrap()).unwrap()
    }

    fn request(
        group: &'static str,
        resource: &'static str,
        sub: Option<&'static str>,
        verb: &'static str,
        namespaced: bool,
    ) -> Request {
        Request {
            group,
            resource,
            subresource: sub,
            verb,
            namespaced,
        }
    }

    const HEAD: &str = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n";

    #[test]
    fn the_first_matching_rule_decides_and_narrow_rules_are_kept_apart() {
        let p = policy(&format!(
            "{HEAD}- level: RequestResponse\n  users: [admin]\n  resources: [{{group: \"\", resources: [secrets]}}]\n\
             - level: Metadata\n  resources: [{{group: \"\", resources: [secrets, configmaps]}}]\n\
             - level: None\n  resources: [{{group: \"\", resources: [pods]}}]\n\
             - level: Request\n"
        ));
        let secrets = p.coverage(&request("", "secrets", None, "get", true));
        assert_eq!(secrets.general, (Level::Metadata, Some(1)));
        assert_eq!(secrets.narrower, vec![(0, Level::RequestResponse)]);
        // `pods` does not name the exec subresource: the catch-all decides.
        assert_eq!(
            p.coverage(&request("", "pods", Some("exec"), "create", true))
                .general,
            (Level::Request, Some(3))
        );
    }

    #[test]
    fn wildcards_verbs_names_and_namespaces_follow_the_api_server() {
        let p = policy(&format!(
            "{HEAD}- level: None\n  verbs: [\"*\"]\n\
             - level: Metadata\n  resources: [{{group: \"\", resources: [\"secrets/*\"]}}]\n\
             - level: None\n  resources: [{{group: \"\", resources: [\"*/exec\"], resourceNames: [debug]}}]\n\
             - level: None\n  namespaces: [kube-system]\n\
             - level: RequestResponse\n  namespaces: [\"\"]\n\
             - level: Metadata\n  resources: [{{group: \"\", resourceNames: [x]}}]\n"
        ));
        // `*` is not a verb wildcard: rule 0 never matches.
        // `secrets/*` matches the bare resource too.
        assert_eq!(
            p.coverage(&request("", "secrets", None, "get", true))
                .general,
            (Level::Metadata, Some(1))
        );
        // resourceNames narrow; a namespace list narrows a namespaced
        // request; an entry without resources matches the group whatever
        // resourceNames says.
        let exec = p.coverage(&request("", "pods", Some("exec"), "create", true));
        assert_eq!(
            exec.narrower,
            vec![
                (2, Level::None),
                (3, Level::None),
                (4, Level::RequestResponse)
            ]
        );
        assert_eq!(exec.general, (Level::Metadata, Some(5)));
        // A cluster-scoped request has the namespace "": `namespaces: [kube-system]`
        // never matches it, `namespaces: [""]` always does.
        let review = p.coverage(&request(
            "authentication.k8s.io",
            "tokenreviews",
            None,
            "create",
            false,
        ));
        assert_eq!(review.narrower, vec![]);
        assert_eq!(review.general, (Level::RequestResponse, Some(4)));
    }

    #[test]
    fn reads_at_request_level_log_no_contents() {
        let p = policy(&format!("{HEAD}- level: Request\n  resources: [{{group: \"\", resources: [secrets]}}]\n  verbs: [get, list, watch]\n- level: Metadata\n"));
        assert_eq!(
            sensitive_bodies_in(&p).status,
            palisade_core::node::NodeStatus::Pass
        );
        let p = policy(&format!("{HEAD}- level: Request\n  resources: [{{group: \"\", resources: [secrets]}}]\n- level: Metadata\n"));
        let outcome = sensitive_bodies_in(&p);
        assert_eq!(outcome.status, palisade_core::node::NodeStatus::Fail);
        assert!(
            outcome
                .evidence
                .iter()
                .all(|e| e.contains("create") || e.contains("update") || e.contains("patch")),
            "{:?}",
            outcome.evidence
        );
    }
}
