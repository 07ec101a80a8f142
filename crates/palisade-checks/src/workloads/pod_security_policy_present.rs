use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};

declare_check! {
    /// ## What it checks
    /// Objects of kind `PodSecurityPolicy`.
    ///
    /// ## Why it matters
    /// PodSecurityPolicy was removed in Kubernetes 1.25. On a current cluster the object
    /// is rejected or ignored, so whatever protection it was meant to give is not
    /// there. Its intent must move to Pod Security admission labels or an admission
    /// policy.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1beta1
    /// kind: PodSecurityPolicy
    /// ```
    pub struct PodSecurityPolicyPresent {
        id: "PAL-WL-051",
        slug: "pod-security-policy-present",
        title: "Removed PodSecurityPolicy API in use",
        severity: Medium,
        target: Target::Object(&["PodSecurityPolicy"]),
        remediation: "Replace the policy with Pod Security admission namespace labels (`pod-security.kubernetes.io/enforce`) or an admission policy.",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/migrate-from-psp/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            cx.fail_args(FieldPath::root().join("kind"), format_args!("policy {:?} uses the PodSecurityPolicy API, removed in Kubernetes 1.25, and protects nothing", object.id.name));
        }
    }
}
