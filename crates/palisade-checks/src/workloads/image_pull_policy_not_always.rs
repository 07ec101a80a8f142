use palisade_core::{declare_check, CheckContext, PodSpecView, Target};
use serde_json::Value;

use crate::helpers::images::container_images;

declare_check! {
    /// ## What it checks
    /// Containers whose image is not pinned by digest and whose effective
    /// `imagePullPolicy` is not `Always`. When the policy is unset, Kubernetes uses
    /// `Always` for the `latest` tag or no tag, and `IfNotPresent` otherwise.
    ///
    /// ## Why it matters
    /// With a mutable reference and a cached image, different nodes run different
    /// code under the same name, and a pod can start from an image the registry no
    /// longer authorises (the pull, which checks credentials, is skipped).
    ///
    /// ## Example
    /// ```yaml
    /// image: app:1.2
    /// imagePullPolicy: IfNotPresent
    /// ```
    pub struct ImagePullPolicyNotAlways {
        id: "PAL-WL-030",
        slug: "image-pull-policy-not-always",
        title: "Mutable image is not always pulled",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Pin the image by digest, or set `imagePullPolicy: Always`.",
        references: &["https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (c, image, reference) in container_images(pod) {
                if reference.digest.is_some() {
                    continue;
                }
                let explicit = c.get("imagePullPolicy").and_then(Value::as_str);
                let policy = explicit.unwrap_or(reference.default_pull_policy());
                if policy != "Always" {
                    let how = if explicit.is_some() { "sets" } else { "defaults to" };
                    cx.fail_args(c.field("imagePullPolicy"), format_args!("{} {how} imagePullPolicy {policy} for mutable image {image:?}", c.describe()));
                }
            }
        }
    }
}
