//! What the RBAC checks share: the powers they look for, which subjects
//! and bindings they judge, and how a finding names its granting chain.

use palisade_core::rbac::query::{chain, scope_text};
use palisade_core::rbac::{
    is_cluster_scoped, Binding, Grant, PolicyRule, RbacGraph, RuleRef, Subject,
};
use palisade_core::{Inventory, InventoryContext};

/// A dangerous capability: any of its requests grants it.
pub struct Power {
    /// `(verb, API group, resource)`.
    pub requests: &'static [(&'static str, &'static str, &'static str)],
}

const RBAC: &str = "rbac.authorization.k8s.io";
const ADMISSION: &str = "admissionregistration.k8s.io";

pub const SECRETS_READ: Power = Power {
    requests: &[
        ("get", "", "secrets"),
        ("list", "", "secrets"),
        ("watch", "", "secrets"),
    ],
};

pub const WORKLOAD_CREATE: Power = Power {
    requests: &[
        ("create", "", "pods"),
        ("create", "apps", "deployments"),
        ("create", "apps", "replicasets"),
        ("create", "apps", "statefulsets"),
        ("create", "apps", "daemonsets"),
        ("create", "batch", "jobs"),
        ("create", "batch", "cronjobs"),
        ("create", "", "replicationcontrollers"),
    ],
};

/// Old clients open these streams with GET, so both verbs count.
pub const POD_EXEC: Power = Power {
    requests: &[
        ("create", "", "pods/exec"),
        ("get", "", "pods/exec"),
        ("create", "", "pods/attach"),
        ("get", "", "pods/attach"),
        ("create", "", "pods/portforward"),
        ("get", "", "pods/portforward"),
    ],
};

pub const NODE_PROXY: Power = Power {
    requests: &[("get", "", "nodes/proxy"), ("create", "", "nodes/proxy")],
};

pub const ESCALATE_OR_BIND: Power = Power {
    requests: &[
        ("escalate", RBAC, "roles"),
        ("escalate", RBAC, "clusterroles"),
        ("bind", RBAC, "roles"),
        ("bind", RBAC, "clusterroles"),
    ],
};

pub const IMPERSONATE: Power = Power {
    requests: &[
        ("impersonate", "", "users"),
        ("impersonate", "", "groups"),
        ("impersonate", "", "serviceaccounts"),
        ("impersonate", "authentication.k8s.io", "uids"),
        ("impersonate", "authentication.k8s.io", "userextras/scopes"),
    ],
};

pub const TOKEN_CREATE: Power = Power {
    requests: &[("create", "", "serviceaccounts/token")],
};

pub const CSR_APPROVAL: Power = Power {
    requests: &[
        (
            "update",
            "certificates.k8s.io",
            "certificatesigningrequests/approval",
        ),
        (
            "patch",
            "certificates.k8s.io",
            "certificatesigningrequests/approval",
        ),
    ],
};

pub const SIGNER_APPROVE: Power = Power {
    requests: &[("approve", "certificates.k8s.io", "signers")],
};

pub const WEBHOOK_WRITE: Power = Power {
    requests: &[
        ("create", ADMISSION, "validatingwebhookconfigurations"),
        ("update", ADMISSION, "validatingwebhookconfigurations"),
        ("patch", ADMISSION, "validatingwebhookconfigurations"),
        ("delete", ADMISSION, "validatingwebhookconfigurations"),
        (
            "deletecollection",
            ADMISSION,
            "validatingwebhookconfigurations",
        ),
        ("create", ADMISSION, "mutatingwebhookconfigurations"),
        ("update", ADMISSION, "mutatingwebhookconfigurations"),
        ("patch", ADMISSION, "mutatingwebhookconfigurations"),
        ("delete", ADMISSION, "mutatingwebhookconfigurations"),
        (
            "deletecollection",
            ADMISSION,
            "mutatingwebhookconfigurations",
        ),
    ],
};

pub const EVENTS_DELETE: Power = Power {
    requests: &[
        ("delete", "", "events"),
        ("deletecollection", "", "events"),
        ("delete", "events.k8s.io", "events"),
        ("deletecollection", "events.k8s.io", "events"),
    ],
};

/// The powers that make a ClusterRole worth noticing when it is
/// aggregated into a widely bound one.
pub const SENSITIVE: [&Power; 9] = [
    &SECRETS_READ,
    &WORKLOAD_CREATE,
    &POD_EXEC,
    &NODE_PROXY,
    &ESCALATE_OR_BIND,
    &IMPERSONATE,
    &TOKEN_CREATE,
    &WEBHOOK_WRITE,
    &EVENTS_DELETE,
];

impl Power {
    /// The requests of this power that `rule` grants (for some objects),
    /// as `verb resource` texts.
    pub fn granted_by(&self, rule: &PolicyRule) -> Vec<String> {
        self.granted_by_binding(rule, true)
    }

    /// [`Power::granted_by`] through a binding: a RoleBinding
    /// (`cluster_binding` false) cannot grant cluster-scoped resources.
    pub fn granted_by_binding(&self, rule: &PolicyRule, cluster_binding: bool) -> Vec<String> {
        self.requests
            .iter()
            .filter(|(verb, _, resource)| cluster_binding || !is_cluster_scoped(verb, resource))
            .filter(|(verb, group, resource)| rule.grants_resource(verb, group, resource, None))
            .map(|(verb, _, resource)| format!("{verb} {resource}"))
            .fold(Vec::new(), |mut texts, text| {
                // `delete events` of the core and the events.k8s.io group.
                if !texts.contains(&text) {
                    texts.push(text);
                }
                texts
            })
    }

    /// Whether `rule` grants any request of this power (for some objects).
    pub fn any_granted_by(&self, rule: &PolicyRule, cluster_binding: bool) -> bool {
        self.requests.iter().any(|(verb, group, resource)| {
            (cluster_binding || !is_cluster_scoped(verb, resource))
                && rule.grants_resource(verb, group, resource, None)
        })
    }
}

/// Bindings the API server creates for itself are not judged.
pub fn judged_bindings(graph: &RbacGraph) -> impl Iterator<Item = &Binding> {
    graph.bindings().iter().filter(|b| !b.is_default)
}

/// Subjects the checks of powers judge: not the control plane's own.
pub fn judged_subjects(binding: &Binding) -> impl Iterator<Item = &(usize, Subject)> {
    binding
        .subjects
        .iter()
        .filter(|(_, s)| !s.is_control_plane())
}

/// `cluster-wide` or `in namespace NAME`.
pub fn scope_phrase(namespace: Option<&str>) -> String {
    match namespace {
        Some(_) => format!("in {}", scope_text(namespace)),
        None => scope_text(None),
    }
}

/// The chain after the binding (where the finding already points):
/// `ClusterRole y rules[0] [get secrets (core)] (file:9)`, through the
/// aggregating role when the rule comes from an aggregated one.
pub fn chain_text(inventory: &Inventory, grant: &Grant<'_>) -> String {
    chain(inventory, grant)
        .iter()
        .skip(1)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The first rule of the binding's role granting any request of `power`,
/// with the requests it grants.
pub fn first_rule_granting(
    graph: &RbacGraph,
    binding: &Binding,
    power: &Power,
) -> Option<(RuleRef, Vec<String>)> {
    let role = binding.role?;
    let cluster = binding.is_cluster_binding();
    graph.effective_rules(role).iter().find_map(|&r| {
        let rule = graph.rule(r);
        // The cheap test first: most rules grant nothing of the power.
        if !power.any_granted_by(rule, cluster) {
            return None;
        }
        Some((r, power.granted_by_binding(rule, cluster)))
    })
}

/// Whether a ClusterRoleBinding grants every permission (what
/// PAL-RBAC-001 reports): the power checks leave such bindings to it.
pub fn holds_everything_cluster_wide(graph: &RbacGraph, binding: &Binding) -> bool {
    binding.is_cluster_binding()
        && binding.role.is_some_and(|role| {
            graph
                .effective_rules(role)
                .iter()
                .any(|&r| graph.rule(r).is_full_wildcard())
        })
}

/// Reports every judged subject of every judged binding that holds
/// `power`, on the binding's subject entry, naming the granting chain.
pub fn report_power(inventory: &Inventory, cx: &mut InventoryContext<'_>, power: &Power) {
    let graph = inventory.rbac();
    for binding in judged_bindings(graph) {
        cx.evaluated();
        let Some((rule, granted)) = first_rule_granting(graph, binding, power) else {
            continue;
        };
        if holds_everything_cluster_wide(graph, binding) {
            // PAL-RBAC-001 reports it once; every power check repeating it
            // would bury the other findings.
            continue;
        }
        let object = inventory.object(binding.object);
        for (index, subject) in judged_subjects(binding) {
            let grant = Grant {
                binding,
                subject_index: *index,
                subject,
                rule,
            };
            cx.fail(
                object,
                Binding::subject_path(*index),
                format!(
                    "grants {subject} {} {} via {}",
                    granted.join(", "),
                    scope_phrase(binding.namespace.as_deref()),
                    chain_text(inventory, &grant)
                ),
            );
        }
    }
}

/// The role a binding binds, for messages: `ClusterRole view (built in)`,
/// `Role shop/deployer (rbac.yaml:3)`, or the reference when missing.
pub fn bound_role_text(inventory: &Inventory, binding: &Binding) -> String {
    let graph = inventory.rbac();
    match binding.role {
        Some(index) => {
            let role = graph.role(index);
            match role.object {
                Some(o) => {
                    let object = inventory.object(o);
                    if object.source.pos.line == 0 {
                        // Read from a cluster: no file to point at.
                        return role.display();
                    }
                    format!(
                        "{} ({}:{})",
                        role.display(),
                        object.source.file,
                        object.source.pos.line
                    )
                }
                None => format!("{} (built in)", role.display()),
            }
        }
        None if binding.role_ref.kind == "ClusterRole"
            && palisade_core::rbac::is_builtin_role_name(&binding.role_ref.name) =>
        {
            format!("ClusterRole {} (built in)", binding.role_ref.name)
        }
        None => format!(
            "{} {} (not found)",
            binding.role_ref.kind, binding.role_ref.name
        ),
    }
}

/// Reports every subject (of the bindings the checks judge) for which
/// `named` gives a reason: what the binding then hands to whom.
pub fn report_subjects(
    inventory: &Inventory,
    cx: &mut InventoryContext<'_>,
    named: impl Fn(&Subject) -> Option<&'static str>,
) {
    for binding in judged_bindings(inventory.rbac()) {
        cx.evaluated();
        let object = inventory.object(binding.object);
        for (index, subject) in &binding.subjects {
            if let Some(why) = named(subject) {
                cx.fail(
                    object,
                    Binding::subject_path(*index),
                    format!(
                        "grants {} to {subject}{why}",
                        bound_role_text(inventory, binding)
                    ),
                );
            }
        }
    }
}
