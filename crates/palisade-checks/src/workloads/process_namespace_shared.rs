use palisade_core::{declare_check, CheckContext, PodSpecView, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Pods with `shareProcessNamespace: true`.
    ///
    /// ## Why it matters
    /// All containers of the pod then see each other's processes, environment
    /// variables and file systems (through `/proc/<pid>/root`): a compromised sidecar
    /// reads the main container's secrets.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   shareProcessNamespace: true
    /// ```
    pub struct ProcessNamespaceShared {
        id: "PAL-WL-045",
        slug: "process-namespace-shared",
        title: "Containers share a process namespace",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Remove `shareProcessNamespace` unless a debugging or signalling sidecar strictly needs it.",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if pod.get("shareProcessNamespace").and_then(Value::as_bool) == Some(true) {
                cx.fail(pod.field("shareProcessNamespace"), "pod sets shareProcessNamespace to true");
            }
        }
    }
}
