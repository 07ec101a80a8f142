use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};

use crate::helpers::pss_versions::RESTRICTED_VOLUME_SOURCES;

declare_check! {
    /// ## What it checks
    /// Volumes whose source is not one of `configMap`, `csi`, `downwardAPI`,
    /// `emptyDir`, `ephemeral`, `persistentVolumeClaim`, `projected`, `secret` or
    /// `image`. A volume with only a name is an `emptyDir` once the API server has
    /// defaulted it, so it passes.
    ///
    /// ## Why it matters
    /// The other volume types reach node or infrastructure storage directly (hostPath,
    /// NFS, iSCSI, cloud disks by ID, gitRepo), bypassing the PersistentVolume layer
    /// where access is governed.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    /// - name: shared
    ///   nfs:
    ///     server: 10.0.0.5
    ///     path: /exports
    /// ```
    pub struct RestrictedVolumeType {
        id: "PAL-WL-013",
        slug: "restricted-volume-type",
        title: "Volume type outside the restricted set",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Use a PersistentVolumeClaim for storage, or one of the allowed volume types.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"],
        pss: Some(PssControl::restricted("Volume Types", 0).overriding("PAL-WL-005")),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (path, volume) in pod.list("volumes") {
                let Some(fields) = volume.as_object() else { continue };
                for (source, value) in fields {
                    if source == "name" || value.is_null() || RESTRICTED_VOLUME_SOURCES.contains(&source.as_str()) {
                        continue;
                    }
                    let name = fields.get("name").and_then(|n| n.as_str()).unwrap_or("<unnamed>");
                    cx.fail_args(path.join(source.clone()), format_args!("volume {name:?} is of type {source}, which the restricted profile does not allow"));
                }
            }
        }
    }
}
