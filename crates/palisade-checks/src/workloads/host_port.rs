use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Container ports with a non-zero `hostPort`, and every container port of a
    /// `hostNetwork` pod (the API server makes them host ports).
    ///
    /// ## Why it matters
    /// A host port binds the container directly on the node's network interfaces,
    /// bypassing Services and most NetworkPolicy implementations, and ties the pod to
    /// nodes where the port is free.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    /// - containerPort: 8080
    ///   hostPort: 8080
    /// ```
    pub struct HostPort {
        id: "PAL-WL-006",
        slug: "host-port",
        title: "Container binds a host port",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Remove `hostPort` and expose the container through a Service.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
        pss: Some(PssControl::baseline("Host Ports", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            // With hostNetwork the API server defaults every containerPort into
            // a hostPort, and Pod Security admission judges the defaulted pod.
            let host_network = pod.get("hostNetwork").and_then(Value::as_bool) == Some(true);
            for c in pod.containers() {
                for (path, port) in c.list("ports") {
                    match port.get("hostPort").and_then(Value::as_i64) {
                        Some(0) | None => {
                            if let Some(n) = port.get("containerPort").and_then(Value::as_i64).filter(|_| host_network) {
                                cx.fail_args(path.join("containerPort"), format_args!("{} binds host port {n} (hostNetwork makes its container ports host ports)", c.describe()));
                            }
                        }
                        Some(n) => cx.fail_args(path.join("hostPort"), format_args!("{} binds host port {n}", c.describe())),
                    }
                }
            }
        }
    }
}
