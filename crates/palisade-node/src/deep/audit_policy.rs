//! The audit policy (`audit.k8s.io/v1` Policy) the API server's
//! `--audit-policy-file` names. The API server logs each request at the
//! level of the first rule that matches it, so a question such as "are
//! Secret bodies logged?" is answered by walking the rules in order for
//! that request: rules limited to some users or namespaces decide for
//! those requests only; the first rule without such limits decides for
//! every request left.

use palisade_core::{FieldPath, Resource};
use serde_json::Value;

use super::{at, load_object, setting_path};
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

    fn logs_bodies(self) -> bool {
        self >= Level::Request
    }
}

/// A resource request to ask the policy about.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    pub group: &'static str,
    pub resource: &'static str,
    pub subresource: Option<&'static str>,
    pub verb: &'static str,
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
        for (i, rule) in self.rules.iter().enumerate() {
            match matches(rule, request) {
                Match::No => {}
                Match::Some => narrower.push((i, self.levels[i])),
                Match::All => {
                    return Coverage {
                        general: (self.levels[i], Some(i)),
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
    if let Some(verbs) = strings(rule, "verbs") {
        if !verbs.iter().any(|v| v == request.verb || v == "*") {
            return Match::No;
        }
    }
    let resources = rule
        .get("resources")
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty());
    // A rule naming only non-resource URLs never matches a resource request.
    if resources.is_none() && strings(rule, "nonResourceURLs").is_some() {
        return Match::No;
    }
    let mut narrowed_by_name = false;
    if let Some(groups) = resources {
        let hit = groups.iter().find(|g| group_resources_match(g, request));
        match hit {
            None => return Match::No,
            Some(g) => narrowed_by_name = strings(g, "resourceNames").is_some(),
        }
    }
    let narrowed = narrowed_by_name
        || strings(rule, "users").is_some()
        || strings(rule, "userGroups").is_some()
        || strings(rule, "namespaces").is_some();
    if narrowed {
        Match::Some
    } else {
        Match::All
    }
}

/// One `resources[]` entry: same API group, and a resource list that is
/// empty (the whole group) or names the resource as the API server does
/// (`pods` is not `pods/exec`; `*`, `pods/*` and `*/exec` are wildcards).
fn group_resources_match(entry: &Value, request: &Request) -> bool {
    let group = entry
        .get("group")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if group != request.group {
        return false;
    }
    let Some(names) = strings(entry, "resources") else {
        return true;
    };
    let full = match request.subresource {
        Some(sub) => format!("{}/{sub}", request.resource),
        None => request.resource.to_string(),
    };
    names.iter().any(|name| {
        name == "*"
            || *name == full
            || (request.subresource.is_some()
                && (*name == format!("{}/*", request.resource)
                    || request
                        .subresource
                        .is_some_and(|sub| *name == format!("*/{sub}"))))
    })
}

/// The policy file, or the outcome when there is none to judge.
fn policy(node: &Node) -> Result<Policy, Outcome> {
    match setting_path(node, ComponentKind::ApiServer, API_AUDIT_POLICY_FILE) {
        Err(reason) => Err(Outcome::error(reason)),
        Ok(None) => Err(Outcome::not_applicable(
            "the API server has no --audit-policy-file, so it writes no audit log (see 3.2.1)",
        )),
        Ok(Some(path)) => load_object(node, &path)
            .and_then(Policy::parse)
            .map_err(Outcome::error),
    }
}

const MODIFY: [&str; 4] = ["create", "update", "patch", "delete"];

fn requests(
    group: &'static str,
    resources: &[&'static str],
    subresource: Option<&'static str>,
    verbs: &[&'static str],
) -> Vec<Request> {
    resources
        .iter()
        .flat_map(|resource| {
            verbs.iter().map(move |verb| Request {
                group,
                resource,
                subresource,
                verb,
            })
        })
        .collect()
}

fn describe(request: &Request) -> String {
    let resource = match request.subresource {
        Some(sub) => format!("{}/{sub}", request.resource),
        None => request.resource.to_string(),
    };
    format!("{} {resource}", request.verb)
}

/// PAL-CP-001: request or response bodies of Secrets, ConfigMaps or
/// TokenReviews end up in the audit log, and with them every secret value
/// and token.
pub fn sensitive_bodies(node: &Node) -> Outcome {
    let policy = match policy(node) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let verbs = ["get", "list", "watch", "create", "update", "patch"];
    let mut asked = requests("", &["secrets", "configmaps"], None, &verbs);
    asked.extend(requests(
        "authentication.k8s.io",
        &["tokenreviews"],
        None,
        &["create"],
    ));
    let mut leaks: Vec<String> = Vec::new();
    for request in &asked {
        let coverage = policy.coverage(request);
        let rules = coverage
            .narrower
            .iter()
            .copied()
            .chain(coverage.general.1.map(|i| (i, coverage.general.0)));
        for (index, level) in rules {
            if level.logs_bodies() {
                let line = format!(
                    "{} logs {} at {level:?}",
                    policy.rule_at(index),
                    describe(request)
                );
                if !leaks.contains(&line) {
                    leaks.push(line);
                }
            }
        }
    }
    if leaks.is_empty() {
        return Outcome::pass(vec![
            "no rule logs the bodies of secrets, configmaps or tokenreviews".into(),
        ]);
    }
    Outcome::fail(
        leaks.clone(),
        format!("the audit log receives secret values: {}", leaks[0]),
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
        let resource = match request.subresource {
            Some(sub) => format!("{}/{sub}", request.resource),
            None => request.resource.to_string(),
        };
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
    Outcome::fail(
        missing.clone(),
        format!("{what} are not audited: {}", missing[0]),
        fix.to_string(),
    )
}

/// PAL-CP-002: exec, attach and port-forward into pods are how an
/// attacker works inside a cluster; without them in the log there is no
/// trace.
pub fn pod_access(node: &Node) -> Outcome {
    let policy = match policy(node) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let mut asked = Vec::new();
    for sub in ["exec", "attach", "portforward"] {
        asked.extend(requests("", &["pods"], Some(sub), &["create", "get"]));
    }
    coverage_outcome(
        &policy,
        &asked,
        "exec, attach and port-forward into pods",
        "add a rule logging pods/exec, pods/attach and pods/portforward at Metadata before any rule that drops them",
    )
}

/// PAL-CP-003: changes to Roles and bindings are how privileges are
/// granted; they must be in the log.
pub fn rbac_changes(node: &Node) -> Outcome {
    let policy = match policy(node) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let asked = requests(
        "rbac.authorization.k8s.io",
        &[
            "roles",
            "rolebindings",
            "clusterroles",
            "clusterrolebindings",
        ],
        None,
        &MODIFY,
    );
    coverage_outcome(
        &policy,
        &asked,
        "changes to RBAC roles and bindings",
        "add a rule logging the rbac.authorization.k8s.io group at Metadata (or RequestResponse) before any rule that drops it",
    )
}

/// PAL-CP-004: a first rule at `None` that matches everything makes the
/// rest of the policy dead: nothing is logged.
pub fn catch_all_none_first(node: &Node) -> Outcome {
    let policy = match policy(node) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
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

/// Evidence for 3.2.2: what the palisade checks above found.
pub fn hint(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for (name, judge) in [
        ("secret bodies", sensitive_bodies as fn(&Node) -> Outcome),
        ("exec/attach/port-forward", pod_access),
        ("RBAC changes", rbac_changes),
        ("first rule", catch_all_none_first),
    ] {
        let outcome = judge(node);
        let detail = outcome
            .reason
            .or_else(|| outcome.evidence.first().cloned())
            .unwrap_or_default();
        out.push(format!("{name}: {} ({detail})", outcome.status.as_str()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(yaml: &str) -> Policy {
        let objects = crate::yaml::parse_objects("/etc/kubernetes/audit.yaml", yaml).unwrap();
        Policy::parse(objects.into_iter().next().unwrap()).unwrap()
    }

    const EXEC: Request = Request {
        group: "",
        resource: "pods",
        subresource: Some("exec"),
        verb: "create",
    };
    const GET_SECRET: Request = Request {
        group: "",
        resource: "secrets",
        subresource: None,
        verb: "get",
    };

    #[test]
    fn the_first_matching_rule_decides_and_narrow_rules_are_kept_apart() {
        let p = policy(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n\
             - level: RequestResponse\n  users: [admin]\n  resources: [{group: \"\", resources: [secrets]}]\n\
             - level: Metadata\n  resources: [{group: \"\", resources: [secrets, configmaps]}]\n\
             - level: None\n  resources: [{group: \"\", resources: [pods]}]\n\
             - level: Request\n",
        );
        let secrets = p.coverage(&GET_SECRET);
        assert_eq!(secrets.general, (Level::Metadata, Some(1)));
        assert_eq!(secrets.narrower, vec![(0, Level::RequestResponse)]);
        // `pods` does not name the exec subresource: the catch-all decides.
        assert_eq!(p.coverage(&EXEC).general, (Level::Request, Some(3)));
    }

    #[test]
    fn subresource_wildcards_and_verbs_follow_the_api_server() {
        let p = policy(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n\
             - level: None\n  verbs: [get]\n\
             - level: Metadata\n  resources: [{group: \"\", resources: [\"*/exec\"]}]\n\
             - level: None\n  nonResourceURLs: [/healthz]\n",
        );
        assert_eq!(p.coverage(&EXEC).general, (Level::Metadata, Some(1)));
        assert_eq!(p.coverage(&GET_SECRET).general, (Level::None, Some(0)));
        let list = Request {
            verb: "list",
            ..GET_SECRET
        };
        assert_eq!(p.coverage(&list).general, (Level::None, None));
    }
}
