use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};
use serde_json::Value;

use crate::helpers::pss_versions::user_namespace_relaxes;

declare_check! {
    /// ## What it checks
    /// `runAsUser: 0` at pod level or on any container (part of the restricted profile
    /// from policy v1.23). From policy v1.35, pods in a user namespace
    /// (`hostUsers: false`) are exempt.
    ///
    /// ## Why it matters
    /// UID 0 in a container is UID 0 on the node's kernel: one bug away from owning
    /// the node.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 0
    /// ```
    pub struct RunAsRootUser {
        id: "PAL-WL-016",
        slug: "run-as-root-user",
        title: "Container runs as UID 0",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Set `runAsUser` to a non-zero UID (10000 or more avoids overlap with host users).",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"],
        pss: Some(PssControl::restricted("Running as Non-root user", 23)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if user_namespace_relaxes(pod, cx.settings().pss_version) {
                return;
            }
            let is_root = |sc: Option<&serde_json::Map<String, Value>>| sc.and_then(|s| s.get("runAsUser")).and_then(Value::as_i64) == Some(0);
            if is_root(pod.security_context()) {
                cx.fail(pod.security_context_path().join("runAsUser"), "pod sets runAsUser to 0");
            }
            for c in pod.containers() {
                if is_root(c.security_context()) {
                    cx.fail_args(c.path.join_all(&["securityContext", "runAsUser"]), format_args!("{} sets runAsUser to 0", c.describe()));
                }
            }
        }
    }
}
