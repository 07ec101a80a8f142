use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Pods that share a host namespace: `hostNetwork`, `hostPID` or `hostIPC` set to true.
    ///
    /// ## Why it matters
    /// With the host's network namespace a pod can reach node-local services and sniff
    /// traffic; with its PID namespace it can see and signal every process on the node
    /// (and read their environment); with its IPC namespace it can read shared memory
    /// of host processes. Each removes a layer of isolation an attacker would otherwise
    /// have to break.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostPID: true
    /// ```
    pub struct HostNamespaceShared {
        id: "PAL-WL-002",
        slug: "host-namespace-shared",
        title: "Pod shares a host namespace",
        severity: High,
        target: Target::PodSpec,
        remediation: "Remove `hostNetwork`, `hostPID` and `hostIPC`, or set them to false.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
        pss: Some(PssControl::baseline("Host Namespaces", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (field, what) in [("hostNetwork", "network"), ("hostPID", "process ID"), ("hostIPC", "IPC")] {
                if pod.get(field).and_then(Value::as_bool) == Some(true) {
                    cx.fail_args(pod.field(field), format_args!("pod shares the host's {what} namespace ({field}: true)"));
                }
            }
        }
    }
}
