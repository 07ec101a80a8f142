use palisade_core::{declare_check, CheckContext, FieldPath, PodSpecView, Target};

declare_check! {
    /// ## What it checks
    /// Workloads whose `metadata.namespace` is explicitly `default`. A manifest without
    /// a namespace is not flagged: it is applied wherever `kubectl -n` says.
    ///
    /// ## Why it matters
    /// The `default` namespace usually carries no NetworkPolicy, quota or Pod Security
    /// label, and everything in it shares one blast radius.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   namespace: default
    /// ```
    pub struct DefaultNamespace {
        id: "PAL-WL-033",
        slug: "default-namespace",
        title: "Workload runs in the default namespace",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Deploy the workload to a dedicated namespace with its own policies.",
        references: &["https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if pod.namespace() == Some("default") {
                cx.fail_args(FieldPath::root().join_all(&["metadata", "namespace"]), format_args!("{} {:?} runs in the default namespace", pod.resource.kind().to_ascii_lowercase(), pod.resource.id.name));
            }
        }
    }
}
