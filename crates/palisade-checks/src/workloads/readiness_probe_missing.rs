use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::requirements::require_probe;

declare_check! {
    /// ## What it checks
    /// Regular containers of long-running workloads (not Jobs or CronJobs, not init or
    /// ephemeral containers) without a `readinessProbe`.
    ///
    /// ## Why it matters
    /// Traffic reaches the pod before it can serve it, and keeps reaching it while it is failing.
    ///
    /// ## Example
    /// ```yaml
    /// readinessProbe:
    ///   httpGet:
    ///     path: /healthz
    ///     port: 8080
    /// ```
    pub struct ReadinessProbeMissing {
        id: "PAL-WL-027",
        slug: "readiness-probe-missing",
        title: "Container has no readiness probe",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Add a `readinessProbe` that reflects the application's health.",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            require_probe(pod, "readinessProbe", cx);
        }
    }
}
