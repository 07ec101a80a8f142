use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};

use crate::helpers::ingress::{hosts_of_tls, rules, tls_covers};

declare_check! {
    /// ## What it checks
    /// Ingresses without `spec.tls`, and rule hosts that no `spec.tls[].hosts` entry
    /// covers (a wildcard TLS host `*.example.com` covers exactly one label:
    /// `a.example.com`, not `example.com` or `a.b.example.com`).
    ///
    /// ## Why it matters
    /// Plain HTTP exposes credentials, session cookies and data to anyone on the path,
    /// and lets them alter responses.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   tls:
    ///   - hosts: ["shop.example.com"]
    ///     secretName: shop-tls
    ///   rules:
    ///   - host: shop.example.com
    /// ```
    pub struct IngressWithoutTls {
        id: "PAL-NET-015",
        slug: "ingress-without-tls",
        title: "Ingress serves a host without TLS",
        severity: Medium,
        target: Target::Object(&["Ingress"]),
        remediation: "Add a `tls` entry with a certificate for every host (cert-manager can issue them).",
        references: &["https://kubernetes.io/docs/concepts/services-networking/ingress/#tls"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            let tls = hosts_of_tls(object);
            let Some(tls) = tls else {
                cx.fail(FieldPath::root().join("spec"), "no `spec.tls`: every host is served over plain HTTP");
                return;
            };
            for (path, host) in rules(object) {
                if let Some(host) = host.filter(|h| !tls_covers(&tls, h)) {
                    cx.fail(path.join("host"), format!("host {host:?} is not covered by any TLS entry: it is served over plain HTTP"));
                }
            }
        }
    }
}
