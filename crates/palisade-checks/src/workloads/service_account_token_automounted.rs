use palisade_core::{declare_check, CheckContext, PodSpecView, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Pod specs that do not set `automountServiceAccountToken: false`. (A
    /// ServiceAccount can also disable automounting; a pod-level setting makes the
    /// intent explicit and wins over it.)
    ///
    /// ## Why it matters
    /// Most applications never call the Kubernetes API, yet by default every pod gets
    /// a token for its service account. Whoever compromises the pod inherits every
    /// permission bound to that account.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   automountServiceAccountToken: false
    /// ```
    pub struct ServiceAccountTokenAutomounted {
        id: "PAL-WL-031",
        slug: "service-account-token-automounted",
        title: "Service account token is mounted automatically",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Set `automountServiceAccountToken: false` in the pod spec unless the workload calls the Kubernetes API; mount a projected token only where needed.",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            match pod.get("automountServiceAccountToken").and_then(Value::as_bool) {
                Some(false) => {}
                Some(true) => cx.fail(pod.field("automountServiceAccountToken"), "pod sets automountServiceAccountToken to true"),
                None => cx.fail(pod.field("automountServiceAccountToken"), "pod does not set automountServiceAccountToken to false"),
            }
        }
    }
}
