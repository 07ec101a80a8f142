//! Whether a rule grants a request, exactly as the RBAC authorizer decides.

use super::model::PolicyRule;

/// What is asked: a verb on a resource (optionally a subresource and an
/// object name) of an API group, or a verb on a non-resource URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Resource {
        verb: String,
        group: String,
        /// `pods` or `pods/exec`.
        resource: String,
        name: Option<String>,
    },
    NonResource {
        verb: String,
        path: String,
    },
}

impl Request {
    pub fn resource(verb: &str, group: &str, resource: &str) -> Request {
        Request::Resource {
            verb: verb.to_string(),
            group: group.to_string(),
            resource: resource.to_string(),
            name: None,
        }
    }

    pub fn verb(&self) -> &str {
        match self {
            Request::Resource { verb, .. } | Request::NonResource { verb, .. } => verb,
        }
    }
}

fn contains_or_star(list: &[String], item: &str) -> bool {
    list.iter().any(|s| s == "*" || s == item)
}

/// `*` matches everything, `pods/exec` itself, and `*/exec` any resource's
/// `exec` subresource; `pods/*` matches nothing special.
fn resource_matches(rule: &PolicyRule, resource: &str) -> bool {
    let subresource = resource.split_once('/').map(|(_, sub)| sub);
    rule.resources.iter().any(|r| {
        r == "*"
            || r == resource
            || subresource.is_some_and(|sub| r.strip_prefix("*/") == Some(sub))
    })
}

/// `*` matches every path, `/apis/*` every path below `/apis/`.
fn url_matches(rule: &PolicyRule, path: &str) -> bool {
    rule.non_resource_urls.iter().any(|u| {
        u == "*"
            || u == path
            || u.strip_suffix('*')
                .is_some_and(|prefix| path.starts_with(prefix))
    })
}

impl PolicyRule {
    /// Whether this rule grants `request`.
    ///
    /// A request with no object name (list, create, or "any object") is
    /// not granted by a rule limited to `resourceNames`; use
    /// [`PolicyRule::grants_some_of`] to ask whether a rule grants the power
    /// over at least some objects.
    pub fn grants(&self, request: &Request) -> bool {
        match request {
            Request::Resource {
                verb,
                group,
                resource,
                name,
            } => self.grants_resource(verb, group, resource, Some(name.as_deref())),
            Request::NonResource { verb, path } => {
                contains_or_star(&self.verbs, verb) && url_matches(self, path)
            }
        }
    }

    /// Whether this rule grants `request` for at least one object: like
    /// [`PolicyRule::grants`], but a `resourceNames` rule counts (for the
    /// names it lists).
    pub fn grants_some_of(&self, request: &Request) -> bool {
        match request {
            Request::Resource {
                verb,
                group,
                resource,
                name: None,
            } => self.grants_resource(verb, group, resource, None),
            _ => self.grants(request),
        }
    }

    /// [`PolicyRule::grants`] on borrowed parts, without building a
    /// request. `name: Some(None)` asks about any object (a rule limited by
    /// `resourceNames` does not grant that); `name: None` asks about some
    /// object (it does).
    pub fn grants_resource(
        &self,
        verb: &str,
        group: &str,
        resource: &str,
        name: Option<Option<&str>>,
    ) -> bool {
        contains_or_star(&self.verbs, verb)
            && contains_or_star(&self.api_groups, group)
            && resource_matches(self, resource)
            && match name {
                None => true,
                Some(_) if self.resource_names.is_empty() => true,
                Some(Some(n)) => self.resource_names.iter().any(|r| r == n),
                Some(None) => false,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str]) -> PolicyRule {
        PolicyRule::from_static(verbs, groups, resources)
    }

    #[test]
    fn verbs_groups_and_resources_must_all_match() {
        let r = rule(&["get", "list"], &[""], &["secrets"]);
        assert!(r.grants(&Request::resource("get", "", "secrets")));
        assert!(!r.grants(&Request::resource("delete", "", "secrets")));
        assert!(!r.grants(&Request::resource("get", "apps", "secrets")));
        assert!(!r.grants(&Request::resource("get", "", "configmaps")));
    }

    #[test]
    fn subresources_match_exactly_or_by_star_slash() {
        let exec = Request::resource("create", "", "pods/exec");
        assert!(rule(&["create"], &[""], &["*"]).grants(&exec));
        assert!(rule(&["create"], &[""], &["*/exec"]).grants(&exec));
        assert!(rule(&["create"], &[""], &["pods/exec"]).grants(&exec));
        assert!(!rule(&["create"], &[""], &["pods/*"]).grants(&exec));
        assert!(!rule(&["create"], &[""], &["pods"]).grants(&exec));
        assert!(
            !rule(&["create"], &[""], &["*/exec"]).grants(&Request::resource("create", "", "pods"))
        );
    }

    #[test]
    fn resource_names_restrict_to_named_objects() {
        let mut r = rule(&["get"], &[""], &["secrets"]);
        r.resource_names = vec!["tls".to_string()];
        let any = Request::resource("get", "", "secrets");
        assert!(!r.grants(&any));
        assert!(r.grants_some_of(&any));
        let named = Request::Resource {
            verb: "get".into(),
            group: "".into(),
            resource: "secrets".into(),
            name: Some("tls".into()),
        };
        assert!(r.grants(&named));
    }

    #[test]
    fn non_resource_urls_match_by_prefix_star() {
        let mut r = rule(&["get"], &[], &[]);
        r.non_resource_urls = vec!["/healthz/*".to_string()];
        let get = |p: &str| Request::NonResource {
            verb: "get".into(),
            path: p.into(),
        };
        assert!(r.grants(&get("/healthz/etcd")));
        assert!(!r.grants(&get("/metrics")));
        assert!(!r.grants(&Request::resource("get", "", "pods")));
    }
}
