use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::images::container_images;

declare_check! {
    /// ## What it checks
    /// Images referenced without a tag or with the `latest` tag, and not pinned by
    /// digest.
    ///
    /// ## Why it matters
    /// What runs changes whenever someone pushes, without review; rollbacks and audits
    /// cannot say which code ran; and a compromised registry account replaces the
    /// workload silently.
    ///
    /// ## Example
    /// ```yaml
    /// image: nginx:latest
    /// ```
    pub struct ImageTagMutable {
        id: "PAL-WL-028",
        slug: "image-tag-mutable",
        title: "Image uses the latest tag or no tag",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Reference a specific version tag, and preferably pin the digest (`image: repo/app:1.4.2@sha256:...`).",
        references: &["https://kubernetes.io/docs/concepts/containers/images/#image-names"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (c, image, reference) in container_images(pod) {
                if reference.is_mutable_tag() {
                    let what = if reference.tag.is_some() { "the latest tag" } else { "no tag" };
                    cx.fail_args(c.field("image"), format_args!("{} uses image {image:?} with {what}", c.describe()));
                }
            }
        }
    }
}
