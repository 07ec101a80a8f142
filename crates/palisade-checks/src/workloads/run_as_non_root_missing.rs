use palisade_core::podspec::Level;
use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};
use serde_json::Value;

use crate::helpers::pss_versions::user_namespace_relaxes;

declare_check! {
    /// ## What it checks
    /// Containers that are not required to run as a non-root user: the pod sets
    /// `runAsNonRoot: false`, or a container's effective `runAsNonRoot` (its own, else
    /// the pod's) is not `true`. A numeric `runAsUser` does not satisfy the control.
    /// From policy v1.35, pods in a user namespace (`hostUsers: false`) are exempt.
    ///
    /// ## Why it matters
    /// Root in a container is root on the node's kernel. With `runAsNonRoot: true` the
    /// kubelet refuses to start a container whose image would run as UID 0.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    /// ```
    pub struct RunAsNonRootMissing {
        id: "PAL-WL-015",
        slug: "run-as-non-root-missing",
        title: "Container may run as root",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Set `securityContext.runAsNonRoot: true` on the pod (or on every container) and build images with a non-root USER.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"],
        pss: Some(PssControl::restricted("Running as Non-root", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if user_namespace_relaxes(pod, cx.settings().pss_version) {
                return;
            }
            let pod_value = pod.security_context().and_then(|s| s.get("runAsNonRoot")).and_then(Value::as_bool);
            if pod_value == Some(false) {
                cx.fail(pod.security_context_path().join("runAsNonRoot"), "pod sets runAsNonRoot to false");
            }
            for c in pod.containers() {
                match &c.effective.run_as_non_root {
                    Some(s) if s.value => {}
                    // Inherited from the pod's explicit false, reported once above.
                    Some(s) if s.level == Level::Pod => {}
                    Some(s) => cx.fail_args(c.path_of(s), format_args!("{} sets runAsNonRoot to false", c.describe())),
                    None => cx.fail_args(c.path.join_all(&["securityContext", "runAsNonRoot"]), format_args!("neither {} nor its pod sets runAsNonRoot to true", c.describe())),
                }
            }
        }
    }
}
