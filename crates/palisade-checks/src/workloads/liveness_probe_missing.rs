use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::requirements::require_probe;

declare_check! {
    /// ## What it checks
    /// Regular containers of long-running workloads (not Jobs or CronJobs, not init or
    /// ephemeral containers) without a `livenessProbe`.
    ///
    /// ## Why it matters
    /// A hung process is never restarted; availability depends on someone noticing.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     path: /healthz
    ///     port: 8080
    /// ```
    pub struct LivenessProbeMissing {
        id: "PAL-WL-026",
        slug: "liveness-probe-missing",
        title: "Container has no liveness probe",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Add a `livenessProbe` that reflects the application's health.",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            require_probe(pod, "livenessProbe", cx);
        }
    }
}
