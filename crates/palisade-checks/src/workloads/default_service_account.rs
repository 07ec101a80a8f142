use palisade_core::{declare_check, CheckContext, PodSpecView, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Pods that run as the namespace's `default` service account:
    /// `serviceAccountName` (or the deprecated `serviceAccount`) unset or `default`.
    ///
    /// ## Why it matters
    /// Permissions granted to `default` reach every pod of the namespace that did not
    /// ask for anything else. A dedicated account per workload keeps grants
    /// least-privilege and auditable.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   serviceAccountName: web
    /// ```
    pub struct DefaultServiceAccount {
        id: "PAL-WL-032",
        slug: "default-service-account",
        title: "Pod uses the default service account",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Create a ServiceAccount for the workload and set `serviceAccountName`.",
        references: &["https://kubernetes.io/docs/concepts/security/service-accounts/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            let named = ["serviceAccountName", "serviceAccount"]
                .into_iter()
                .find_map(|f| pod.get(f).and_then(Value::as_str).filter(|s| !s.is_empty()).map(|s| (f, s)));
            match named {
                Some((_, name)) if name != "default" => {}
                Some((field, _)) => cx.fail(pod.field(if field == "serviceAccount" { "serviceAccount" } else { "serviceAccountName" }), "pod runs as the default service account"),
                None => cx.fail(pod.field("serviceAccountName"), "pod sets no serviceAccountName and runs as the default service account"),
            }
        }
    }
}
