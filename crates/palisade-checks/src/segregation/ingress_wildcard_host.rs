use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};

use crate::helpers::ingress::rules;

declare_check! {
    /// ## What it checks
    /// Ingress rules without `host` (they match requests for any host name), rules with a
    /// wildcard host (`*.example.com`), and a `defaultBackend` on an Ingress with no
    /// rules.
    ///
    /// ## Why it matters
    /// A catch-all rule answers for any name that resolves to the load balancer,
    /// including names an attacker points at it; wildcards route sub-domains nobody
    /// reviewed to the backend.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    /// - http:            # no host: every name
    ///     paths: [...]
    /// ```
    pub struct IngressWildcardHost {
        id: "PAL-NET-016",
        slug: "ingress-wildcard-host",
        title: "Ingress catches every host or a wildcard host",
        severity: Low,
        target: Target::Object(&["Ingress"]),
        remediation: "Give every rule an explicit host.",
        references: &["https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            let rules = rules(object);
            for (path, host) in &rules {
                match host {
                    None => cx.fail(path.clone(), "rule has no host: it answers for every host name"),
                    Some(h) if h.starts_with('*') => cx.fail(path.join("host"), format!("rule host {h:?} is a wildcard")),
                    Some(_) => {}
                }
            }
            let spec = object.value.get("spec");
            for key in ["defaultBackend", "backend"] {
                if rules.is_empty() && spec.and_then(|s| s.get(key)).is_some_and(|b| !b.is_null()) {
                    cx.fail(FieldPath::root().join("spec").join(key), format!("only a `{key}` and no rules: it answers for every host name"));
                }
            }
        }
    }
}
