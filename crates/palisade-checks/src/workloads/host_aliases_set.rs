use palisade_core::{declare_check, CheckContext, PodSpecView, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Pods that set `hostAliases` (entries written into the pod's `/etc/hosts`).
    /// Reported as information.
    ///
    /// ## Why it matters
    /// Static host entries bypass cluster DNS. They are sometimes legitimate, but they
    /// are also a way to redirect a workload's traffic quietly, so they deserve a look.
    ///
    /// ## Example
    /// ```yaml
    /// hostAliases:
    /// - ip: 10.1.2.3
    ///   hostnames: ["api.payments.example.com"]
    /// ```
    pub struct HostAliasesSet {
        id: "PAL-WL-046",
        slug: "host-aliases-set",
        title: "Pod overrides name resolution with hostAliases",
        severity: Info,
        target: Target::PodSpec,
        remediation: "Prefer DNS records (or an ExternalName Service) over hostAliases.",
        references: &["https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            let count = pod.get("hostAliases").and_then(Value::as_array).map_or(0, Vec::len);
            if count > 0 {
                cx.fail_args(pod.field("hostAliases"), format_args!("pod sets {count} hostAliases entr{}", if count == 1 { "y" } else { "ies" }));
            }
        }
    }
}
