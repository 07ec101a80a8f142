use palisade_core::{declare_check, CheckContext, PodSpecView, Settings, Target};

use crate::helpers::images::{container_images, registry_allowed};

declare_check! {
    /// ## What it checks
    /// Images pulled from a registry outside the configured allow-list
    /// (`--allowed-registries`). An entry names a registry host (`registry.example.com`)
    /// or a host and path prefix (`ghcr.io/acme`, matched at a `/` boundary). Images
    /// without a registry come from `docker.io`. The check runs only when an
    /// allow-list is configured.
    ///
    /// ## Why it matters
    /// Images from arbitrary registries skip the organisation's scanning, signing and
    /// mirroring, and typo-squatted public images are a known supply-chain attack.
    ///
    /// ## Example
    /// ```yaml
    /// image: docker.io/someone/tool:1.0
    /// ```
    pub struct ImageRegistryNotAllowed {
        id: "PAL-WL-050",
        slug: "image-registry-not-allowed",
        title: "Image from a registry outside the allow-list",
        severity: High,
        target: Target::PodSpec,
        remediation: "Mirror the image into an allowed registry and reference it there.",
        references: &["https://kubernetes.io/docs/concepts/containers/images/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn enabled(&self, settings: &Settings) -> bool {
            !settings.allowed_registries.is_empty()
        }

        fn disabled_reason(&self) -> &'static str {
            "no registry allow-list is configured (use --allowed-registries)"
        }

        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            let allowed = &cx.settings().allowed_registries;
            for (c, image, reference) in container_images(pod) {
                if !registry_allowed(&reference, allowed) {
                    cx.fail_args(c.field("image"), format_args!("{} pulls {image:?} from registry {}, which is not allowed", c.describe(), reference.registry));
                }
            }
        }
    }
}
