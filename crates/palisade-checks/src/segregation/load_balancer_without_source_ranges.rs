use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};
use serde_json::Value;

const RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

/// Annotations by which clouds make a load balancer internal.
const INTERNAL: [(&str, &str); 5] = [
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        "true",
    ),
    ("networking.gke.io/load-balancer-type", "Internal"),
    ("cloud.google.com/load-balancer-type", "Internal"),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        "true",
    ),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        "true",
    ),
];

fn is_internal(object: &Resource) -> bool {
    INTERNAL.iter().any(|(key, value)| {
        object
            .annotation(key)
            .is_some_and(|v| v.eq_ignore_ascii_case(value))
    })
}

declare_check! {
    /// ## What it checks
    /// Services of type LoadBalancer without `spec.loadBalancerSourceRanges` (or the
    /// `service.beta.kubernetes.io/load-balancer-source-ranges` annotation), or whose
    /// ranges include `0.0.0.0/0` or `::/0`. Load balancers marked internal by the usual
    /// cloud annotations (AWS, GKE, Azure, OCI) are not judged.
    ///
    /// ## Why it matters
    /// A public load balancer puts the service on the internet, where it is found by
    /// scanners within minutes; admin consoles, databases and debug endpoints exposed
    /// this way are a common first foothold.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges: ["203.0.113.0/24"]
    /// ```
    pub struct LoadBalancerWithoutSourceRanges {
        id: "PAL-NET-012",
        slug: "load-balancer-without-source-ranges",
        title: "LoadBalancer Service is open to any address",
        severity: High,
        target: Target::Object(&["Service"]),
        remediation: "Set `loadBalancerSourceRanges` to the networks that need access, or make the load balancer internal and put a reviewed ingress in front.",
        references: &["https://kubernetes.io/docs/concepts/services-networking/service/#aws-nlb-support", "https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            let spec = FieldPath::root().join("spec");
            if object.value.pointer("/spec/type").and_then(Value::as_str) != Some("LoadBalancer") || is_internal(object) {
                return;
            }
            let listed: Vec<(FieldPath, String)> = match object.value.pointer("/spec/loadBalancerSourceRanges").and_then(Value::as_array).filter(|r| !r.is_empty()) {
                Some(ranges) => ranges.iter().enumerate().filter_map(|(i, r)| r.as_str().map(|r| (spec.join("loadBalancerSourceRanges").join(i), r.trim().to_string()))).collect(),
                None => object.annotation(RANGES_ANNOTATION).map(|a| a.split(',').map(|r| (FieldPath::root().join("metadata").join("annotations").join(RANGES_ANNOTATION), r.trim().to_string())).filter(|(_, r)| !r.is_empty()).collect()).unwrap_or_default(),
            };
            if listed.is_empty() {
                cx.fail(spec.join("type"), "type LoadBalancer without loadBalancerSourceRanges: reachable from any address");
            }
            for (path, range) in listed {
                if range == "0.0.0.0/0" || range == "::/0" {
                    cx.fail(path, format!("loadBalancerSourceRanges admits {range}: reachable from any address"));
                }
            }
        }
    }
}
