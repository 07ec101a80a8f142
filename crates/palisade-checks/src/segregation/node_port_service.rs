use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Services of type NodePort.
    ///
    /// ## Why it matters
    /// A NodePort opens the same port on every node, usually outside any load balancer's
    /// or ingress controller's controls (TLS, authentication, IP allow-lists), and node
    /// IPs are often reachable from wider networks than intended.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: NodePort
    /// ```
    pub struct NodePortService {
        id: "PAL-NET-013",
        slug: "node-port-service",
        title: "Service is exposed on every node's port",
        severity: Low,
        target: Target::Object(&["Service"]),
        remediation: "Use a ClusterIP Service behind an Ingress or a load balancer with source ranges.",
        references: &["https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            if object.value.pointer("/spec/type").and_then(Value::as_str) == Some("NodePort") {
                cx.fail(FieldPath::root().join("spec").join("type"), "type NodePort opens the port on every node");
            }
        }
    }
}
