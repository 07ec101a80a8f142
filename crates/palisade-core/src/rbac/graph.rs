//! The RBAC graph of one inventory: roles with their effective rules
//! (aggregation resolved), bindings resolved to roles, and the grants that
//! join subjects to rules.

use std::collections::HashMap;

use serde_json::Value;

use super::builtin;
use super::matching::Request;
use super::model::{
    is_bootstrap, parse_subjects, Binding, PolicyRule, Role, RoleRef, Subject, SubjectKind,
};
use crate::inventory::InventoryProblem;
use crate::path::FieldPath;
use crate::resource::Resource;
use crate::selector::{labels_of, Selector};

/// A rule as written in a role: `roles[role].rules[index]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleRef {
    pub role: usize,
    pub index: usize,
}

impl RuleRef {
    pub fn path(&self) -> FieldPath {
        FieldPath::root().join("rules").join(self.index)
    }
}

/// One subject of one binding holding one rule.
#[derive(Debug, Clone, Copy)]
pub struct Grant<'g> {
    pub binding: &'g Binding,
    /// Index into the binding's `subjects[]`.
    pub subject_index: usize,
    pub subject: &'g Subject,
    pub rule: RuleRef,
}

impl Grant<'_> {
    /// `None` when granted cluster-wide, else the binding's namespace.
    pub fn namespace(&self) -> Option<&str> {
        self.binding.namespace.as_deref()
    }
}

/// Where a power is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// In this namespace (ClusterRoleBindings and this namespace's
    /// RoleBindings count).
    Namespace(&'a str),
    /// Cluster-wide only: ClusterRoleBindings.
    Cluster,
    /// Anywhere: every binding counts, each grant says where it holds.
    Anywhere,
}

impl Scope<'_> {
    fn admits(&self, binding: &Binding) -> bool {
        match (self, &binding.namespace) {
            (_, None) | (Scope::Anywhere, _) => true,
            (Scope::Namespace(ns), Some(b)) => b == ns,
            (Scope::Cluster, Some(_)) => false,
        }
    }
}

#[derive(Debug, Default)]
pub struct RbacGraph {
    roles: Vec<Role>,
    role_index: HashMap<(Option<String>, String), usize>,
    bindings: Vec<Binding>,
    /// The rules each role grants: its own, or for an aggregated
    /// ClusterRole those of every role it aggregates.
    effective: Vec<Vec<RuleRef>>,
    /// For each aggregated ClusterRole, the roles it picks up (directly).
    aggregates: Vec<Vec<usize>>,
}

fn text<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v str> {
    keys.iter()
        .try_fold(value, |v, k| v.get(*k))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

impl RbacGraph {
    /// Builds the graph from the inventory's objects; problems (bindings
    /// to nothing, invalid subjects or selectors, aggregation cycles) are
    /// reported, never fatal.
    pub fn build(
        objects: &[Resource],
        by_kind: &HashMap<String, Vec<usize>>,
        problems: &mut Vec<InventoryProblem>,
    ) -> RbacGraph {
        let mut graph = RbacGraph::default();
        let of_kind = |kind: &str| by_kind.get(kind).into_iter().flatten().copied();
        for index in of_kind("Role").chain(of_kind("ClusterRole")) {
            graph.add_object_role(index, &objects[index], problems);
        }
        graph.add_missing_builtin_roles();
        graph.resolve_aggregation(objects, problems);
        for index in of_kind("RoleBinding").chain(of_kind("ClusterRoleBinding")) {
            graph.add_binding(index, &objects[index], problems);
        }
        graph
    }

    fn add_object_role(
        &mut self,
        index: usize,
        resource: &Resource,
        problems: &mut Vec<InventoryProblem>,
    ) {
        let cluster = resource.kind() == "ClusterRole";
        let namespace = if cluster {
            None
        } else {
            Some(resource.id.namespace.clone().unwrap_or_default())
        };
        let rules_path = FieldPath::root().join("rules");
        let rules = match resource.value.get("rules") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(rules)) => rules
                .iter()
                .enumerate()
                .map(|(i, rule)| {
                    for problem in PolicyRule::shape_problems(rule) {
                        problems.push(problem_at(resource, &rules_path.join(i), problem));
                    }
                    PolicyRule::parse(rule)
                })
                .collect(),
            Some(_) => {
                problems.push(problem_at(
                    resource,
                    &rules_path,
                    "`rules` is not a list; the role grants nothing".to_string(),
                ));
                Vec::new()
            }
        };
        let aggregation = cluster
            .then(|| resource.value.get("aggregationRule"))
            .flatten()
            .filter(|v| !v.is_null())
            .map(|rule| {
                let selectors = rule.get("clusterRoleSelectors").and_then(Value::as_array);
                let base = FieldPath::root()
                    .join("aggregationRule")
                    .join("clusterRoleSelectors");
                if selectors.is_none() {
                    problems.push(problem_at(
                        resource,
                        &base,
                        "aggregationRule has no list of clusterRoleSelectors; it aggregates nothing".to_string(),
                    ));
                }
                selectors
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .filter_map(|(i, s)| match Selector::parse(Some(s)) {
                        Ok(Some(selector)) => Some((base.join(i), selector)),
                        Ok(None) => None,
                        Err(e) => {
                            problems.push(problem_at(
                                resource,
                                &base.join(i),
                                format!("invalid clusterRoleSelector ({e}); it aggregates nothing"),
                            ));
                            None
                        }
                    })
                    .collect()
            });
        let role = Role {
            object: Some(index),
            namespace,
            name: resource.id.name.clone(),
            labels: labels_of(resource.metadata().and_then(|m| m.get("labels"))),
            rules,
            aggregation,
            is_default: is_bootstrap(resource),
        };
        self.insert_role(role);
    }

    fn insert_role(&mut self, role: Role) {
        let key = (role.namespace.clone(), role.name.clone());
        let index = self.roles.len();
        self.roles.push(role);
        self.role_index.insert(key, index);
    }

    /// Clusters always have these; a scan of manifests rarely includes
    /// them, yet bindings to them are the most common of all.
    fn add_missing_builtin_roles(&mut self) {
        for role in builtin::roles() {
            if !self.role_index.contains_key(&(None, role.name.clone())) {
                self.insert_role(role);
            }
        }
    }

    fn resolve_aggregation(&mut self, objects: &[Resource], problems: &mut Vec<InventoryProblem>) {
        let n = self.roles.len();
        self.aggregates = vec![Vec::new(); n];
        for (i, role) in self.roles.iter().enumerate() {
            let Some(selectors) = &role.aggregation else {
                continue;
            };
            self.aggregates[i] = (0..n)
                .filter(|&j| {
                    j != i
                        && self.roles[j].is_cluster_role()
                        && selectors
                            .iter()
                            .any(|(_, s)| s.matches(&self.roles[j].labels))
                })
                .collect();
        }
        self.effective = (0..n).map(|i| self.collect_rules(i)).collect();
        self.report_cycles(objects, problems);
    }

    /// The rules role `start` grants: its own when not aggregated, else
    /// the union over everything it aggregates, transitively (as the
    /// aggregation controller converges to).
    fn collect_rules(&self, start: usize) -> Vec<RuleRef> {
        let own =
            |i: usize| (0..self.roles[i].rules.len()).map(move |index| RuleRef { role: i, index });
        // An aggregated role's own rules count too: in a cluster (or a dump
        // of one) they are the union the controller wrote, and a manifest
        // rarely sets any.
        let mut rules: Vec<RuleRef> = own(start).collect();
        if self.roles[start].aggregation.is_none() {
            return rules;
        }
        let mut seen = vec![false; self.roles.len()];
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            for &j in &self.aggregates[i] {
                if std::mem::replace(&mut seen[j], true) {
                    continue;
                }
                rules.extend(own(j));
                stack.push(j);
            }
        }
        rules.sort();
        rules.dedup();
        rules
    }

    /// Reports every aggregation cycle once, at its first role in source
    /// order: each role of it ends up with the union of all their rules.
    fn report_cycles(&self, objects: &[Resource], problems: &mut Vec<InventoryProblem>) {
        let mut reported = vec![false; self.roles.len()];
        for start in 0..self.roles.len() {
            if reported[start] || self.aggregates[start].is_empty() {
                continue;
            }
            // The roles from which `start` is reachable again.
            let mut seen = vec![false; self.roles.len()];
            let mut stack: Vec<usize> = self.aggregates[start].clone();
            let mut cyclic = false;
            while let Some(i) = stack.pop() {
                if i == start {
                    cyclic = true;
                    continue;
                }
                if !std::mem::replace(&mut seen[i], true) {
                    stack.extend(self.aggregates[i].iter().copied());
                }
            }
            if !cyclic {
                continue;
            }
            // The cycle's members: reachable from `start` and reaching it.
            let members: Vec<usize> = (0..self.roles.len())
                .filter(|&m| m == start || (seen[m] && self.reaches(m, start)))
                .collect();
            for &m in &members {
                reported[m] = true;
            }
            let Some(object) = self.roles[start].object else {
                continue;
            };
            let names: Vec<&str> = members
                .iter()
                .map(|&m| self.roles[m].name.as_str())
                .collect();
            let path = self.roles[start]
                .aggregation
                .as_ref()
                .and_then(|s| s.first())
                .map(|(p, _)| p.clone())
                .unwrap_or_default();
            problems.push(problem_at(
                &objects[object],
                &path,
                format!(
                    "ClusterRoles {} aggregate each other in a cycle; each ends up with the union of their rules",
                    names.join(", ")
                ),
            ));
        }
    }

    /// Whether role `from` aggregates `to`, directly or through others.
    fn reaches(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.roles.len()];
        let mut stack = vec![from];
        while let Some(i) = stack.pop() {
            for &j in &self.aggregates[i] {
                if j == to {
                    return true;
                }
                if !std::mem::replace(&mut seen[j], true) {
                    stack.push(j);
                }
            }
        }
        false
    }

    fn add_binding(
        &mut self,
        index: usize,
        resource: &Resource,
        problems: &mut Vec<InventoryProblem>,
    ) {
        let cluster = resource.kind() == "ClusterRoleBinding";
        let namespace = if cluster {
            None
        } else {
            Some(resource.id.namespace.clone().unwrap_or_default())
        };
        let kind = text(&resource.value, &["roleRef", "kind"]).unwrap_or("");
        let name = text(&resource.value, &["roleRef", "name"]).unwrap_or("");
        let ref_path = FieldPath::root().join("roleRef");
        let role = match kind {
            _ if name.is_empty() => {
                problems.push(problem_at(
                    resource,
                    &ref_path,
                    "roleRef has no name; the binding grants nothing".to_string(),
                ));
                None
            }
            "ClusterRole" => self.role_index.get(&(None, name.to_string())).copied(),
            "Role" if !cluster => self
                .role_index
                .get(&(namespace.clone(), name.to_string()))
                .copied(),
            _ => {
                problems.push(problem_at(
                    resource,
                    &ref_path.join("kind"),
                    format!(
                        "roleRef kind {kind:?} is not valid for a {}; the binding grants nothing",
                        resource.kind()
                    ),
                ));
                None
            }
        };
        let subjects = parse_subjects(resource, |path, message| {
            problems.push(problem_at(
                resource,
                &path,
                format!("{message}; the subject is ignored"),
            ));
        });
        self.bindings.push(Binding {
            object: index,
            namespace,
            name: resource.id.name.clone(),
            role_ref: RoleRef {
                kind: kind.to_string(),
                name: name.to_string(),
            },
            role,
            subjects,
            is_default: is_bootstrap(resource),
        });
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn role(&self, index: usize) -> &Role {
        &self.roles[index]
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    pub fn rule(&self, r: RuleRef) -> &PolicyRule {
        &self.roles[r.role].rules[r.index]
    }

    /// The rules role `index` grants (aggregation resolved).
    pub fn effective_rules(&self, index: usize) -> &[RuleRef] {
        &self.effective[index]
    }

    /// The roles an aggregated ClusterRole picks up directly.
    pub fn aggregated_into(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.roles.len()).filter(move |&i| self.aggregates[i].contains(&index))
    }

    pub fn find_role(&self, namespace: Option<&str>, name: &str) -> Option<usize> {
        self.role_index
            .get(&(namespace.map(str::to_string), name.to_string()))
            .copied()
    }

    /// Every grant in `scope` of a rule for which `pred` holds.
    pub fn grants<'g>(
        &'g self,
        scope: Scope<'_>,
        mut pred: impl FnMut(&PolicyRule) -> bool,
    ) -> Vec<Grant<'g>> {
        let mut out = Vec::new();
        // Bindings share roles (thousands bind `edit`): judge each role's
        // rules once.
        let mut matching: Vec<Option<Vec<RuleRef>>> = vec![None; self.roles.len()];
        for binding in &self.bindings {
            if !scope.admits(binding) {
                continue;
            }
            let Some(role) = binding.role else { continue };
            let rules = matching[role].get_or_insert_with(|| {
                self.effective[role]
                    .iter()
                    .copied()
                    .filter(|&r| pred(self.rule(r)))
                    .collect()
            });
            for &rule in rules.iter() {
                // Non-resource URLs are granted only cluster-wide.
                if !self.rule(rule).non_resource_urls.is_empty() && !binding.is_cluster_binding() {
                    continue;
                }
                for (subject_index, subject) in &binding.subjects {
                    out.push(Grant {
                        binding,
                        subject_index: *subject_index,
                        subject,
                        rule,
                    });
                }
            }
        }
        out
    }

    /// Every grant in `scope` whose rule grants `request` (for some
    /// objects, when `some_names` is set).
    pub fn grants_of<'g>(
        &'g self,
        request: &Request,
        scope: Scope<'_>,
        some_names: bool,
    ) -> Vec<Grant<'g>> {
        // A cluster-scoped resource is granted by ClusterRoleBindings only.
        let scope = match request {
            Request::Resource { verb, resource, .. }
                if super::model::is_cluster_scoped(verb, resource) =>
            {
                Scope::Cluster
            }
            _ => scope,
        };
        self.grants(scope, |rule| {
            if some_names {
                rule.grants_some_of(request)
            } else {
                rule.grants(request)
            }
        })
    }

    /// Whether a binding's subject covers `who` (with its `groups`).
    pub fn subject_covers(subject: &Subject, who: &Subject, groups: &[String]) -> bool {
        if subject == who {
            return true;
        }
        subject.kind == SubjectKind::Group && groups.contains(&subject.name)
    }

    /// Whether `who` (in `groups`) can do `request` in `scope`.
    pub fn allows(
        &self,
        who: &Subject,
        groups: &[String],
        request: &Request,
        scope: Scope<'_>,
    ) -> bool {
        if groups.iter().any(|g| g == "system:masters") {
            return true;
        }
        self.grants_of(request, scope, false)
            .iter()
            .any(|g| Self::subject_covers(g.subject, who, groups))
    }
}

fn problem_at(resource: &Resource, path: &FieldPath, message: String) -> InventoryProblem {
    InventoryProblem {
        file: resource.source.file.clone(),
        pos: resource.source.locate(path),
        message: format!("{}: {message}", resource.id),
    }
}
