use palisade_core::{declare_check, CheckContext, PodSpecView, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Pods with volumes whose `securityContext.fsGroup` is unset (Windows pods are
    /// not judged: fsGroup does not apply to them).
    ///
    /// ## Why it matters
    /// Without `fsGroup`, volume files keep whatever group the storage gives them. Teams
    /// then "fix" permission errors by running as root or making files world-writable.
    /// With it, the kubelet gives the pod's group ownership of its volumes.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   fsGroup: 10001
    /// ```
    pub struct FsGroupUnset {
        id: "PAL-WL-036",
        slug: "fs-group-unset",
        title: "Pod with volumes sets no fsGroup",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Set `securityContext.fsGroup` to the pod's non-root group (10000 or more).",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if pod.is_windows() || pod.list("volumes").next().is_none() {
                return;
            }
            if pod.security_context().and_then(|s| s.get("fsGroup")).is_none_or(Value::is_null) {
                cx.fail(pod.security_context_path().join("fsGroup"), "pod has volumes but sets no fsGroup");
            }
        }
    }
}
