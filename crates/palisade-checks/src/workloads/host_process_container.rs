use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Windows HostProcess containers: `securityContext.windowsOptions.hostProcess: true`
    /// at pod level or on any container (regular, init or ephemeral).
    ///
    /// ## Why it matters
    /// A HostProcess container runs directly on the Windows node, with the node's
    /// network and file system and no container isolation. It is the Windows
    /// equivalent of a privileged container.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     windowsOptions:
    ///       hostProcess: true
    /// ```
    pub struct HostProcessContainer {
        id: "PAL-WL-001",
        slug: "host-process-container",
        title: "Windows HostProcess container",
        severity: Critical,
        target: Target::PodSpec,
        remediation: "Remove `windowsOptions.hostProcess` or set it to false; run node agents that need host access in a dedicated, tightly controlled namespace.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
        pss: Some(PssControl::baseline("HostProcess", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            let host_process = |sc: Option<&serde_json::Map<String, Value>>| {
                sc.and_then(|s| s.get("windowsOptions")).and_then(|w| w.get("hostProcess")).and_then(Value::as_bool) == Some(true)
            };
            if host_process(pod.security_context()) {
                cx.fail(pod.security_context_path().join_all(&["windowsOptions", "hostProcess"]), "pod sets windowsOptions.hostProcess to true");
            }
            for c in pod.containers() {
                if host_process(c.security_context()) {
                    cx.fail_args(c.path.join_all(&["securityContext", "windowsOptions", "hostProcess"]), format_args!("{} sets windowsOptions.hostProcess to true", c.describe()));
                }
            }
        }
    }
}
