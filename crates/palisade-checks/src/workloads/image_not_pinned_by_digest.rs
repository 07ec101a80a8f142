use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::images::container_images;

declare_check! {
    /// ## What it checks
    /// Images referenced by tag only, without an `@sha256:` digest.
    ///
    /// ## Why it matters
    /// Tags are mutable. Only a digest guarantees that every node runs the bytes that
    /// were reviewed, scanned and signed.
    ///
    /// ## Example
    /// ```yaml
    /// image: registry.example.com/shop/web:1.4.2@sha256:9f86d0...
    /// ```
    pub struct ImageNotPinnedByDigest {
        id: "PAL-WL-029",
        slug: "image-not-pinned-by-digest",
        title: "Image is not pinned by digest",
        severity: Low,
        target: Target::PodSpec,
        remediation: "Append the image digest to the reference (`@sha256:...`); let your CD tooling update it.",
        references: &["https://kubernetes.io/docs/concepts/containers/images/#image-names"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (c, image, reference) in container_images(pod) {
                if reference.digest.is_none() {
                    cx.fail_args(c.field("image"), format_args!("{} uses image {image:?} without a digest", c.describe()));
                }
            }
        }
    }
}
