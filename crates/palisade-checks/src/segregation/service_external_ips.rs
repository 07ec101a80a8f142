use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Services with a non-empty `spec.externalIPs`.
    ///
    /// ## Why it matters
    /// Any user who can create a Service with externalIPs can intercept traffic the
    /// cluster sends to those addresses (CVE-2020-8554, unfixed by design); legitimate
    /// uses are rare, so the field is usually either a mistake or an attack.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   externalIPs: ["203.0.113.10"]
    /// ```
    pub struct ServiceExternalIps {
        id: "PAL-NET-014",
        slug: "service-external-ips",
        title: "Service sets externalIPs",
        severity: High,
        target: Target::Object(&["Service"]),
        remediation: "Remove externalIPs and use a LoadBalancer Service; block the field cluster-wide with an admission policy (the DenyServiceExternalIPs admission plugin).",
        references: &["https://github.com/kubernetes/kubernetes/issues/97076", "https://kubernetes.io/docs/concepts/services-networking/service/#external-ips"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            if let Some(ips) = object.value.pointer("/spec/externalIPs").and_then(Value::as_array).filter(|ips| !ips.is_empty()) {
                cx.fail(FieldPath::root().join("spec").join("externalIPs"), format!("claims {} external IP(s), whose cluster traffic it can intercept (CVE-2020-8554)", ips.len()));
            }
        }
    }
}
