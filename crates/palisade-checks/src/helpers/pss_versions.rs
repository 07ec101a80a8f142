//! Every place where the Pod Security Standards differ between policy
//! versions, as one named predicate each, so that retiring a version is
//! deleting a function and every check reads its version rules from here.

use palisade_core::{PodSpecView, PssVersion};
use serde_json::Value;

const fn v(minor: u16) -> PssVersion {
    PssVersion::v1(minor)
}

/// Capabilities the baseline profile allows containers to add (all
/// versions).
pub const BASELINE_ADDABLE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Volume sources the restricted profile allows (all versions; `image`
/// was added to the original rule rather than as a new version).
pub const RESTRICTED_VOLUME_SOURCES: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
    "image",
];

/// Safe sysctls, with the policy version each was allowed from.
const SAFE_SYSCTLS: [(&str, u16); 14] = [
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
];

/// Whether the sysctl `name` is allowed at `version` (exact match).
pub fn sysctl_allowed(name: &str, version: PssVersion) -> bool {
    SAFE_SYSCTLS
        .iter()
        .any(|(n, since)| *n == name && v(*since) <= version)
}

/// Whether SELinux type `ty` is allowed at `version` (empty is allowed).
pub fn selinux_type_allowed(ty: &str, version: PssVersion) -> bool {
    matches!(
        ty,
        "" | "container_t" | "container_init_t" | "container_kvm_t"
    ) || (ty == "container_engine_t" && version >= v(31))
}

/// From v1.25 the restricted privilege-escalation, seccomp and capability
/// controls do not apply to pods with `spec.os.name: windows`.
pub fn windows_exempt(pod: &PodSpecView<'_>, version: PssVersion) -> bool {
    version >= v(25) && pod.is_windows()
}

/// `spec.hostUsers` is explicitly `false`: the pod runs in a user namespace.
pub fn in_user_namespace(pod: &PodSpecView<'_>) -> bool {
    pod.get("hostUsers").and_then(Value::as_bool) == Some(false)
}

/// From v1.35 the baseline `/proc` mount control, and the restricted
/// run-as-non-root and run-as-user controls, do not apply to pods in a user
/// namespace.
pub fn user_namespace_relaxes(pod: &PodSpecView<'_>, version: PssVersion) -> bool {
    version >= v(35) && in_user_namespace(pod)
}

/// Before v1.19 the baseline seccomp control reads the alpha annotations;
/// from v1.19 it reads the `seccompProfile` fields.
pub fn seccomp_uses_fields(version: PssVersion) -> bool {
    version >= v(19)
}

/// Seccomp profile types every version allows (when set).
pub fn seccomp_type_allowed(ty: Option<&str>) -> bool {
    matches!(ty, Some("RuntimeDefault" | "Localhost"))
}

/// AppArmor annotation values every version allows.
pub fn apparmor_annotation_allowed(value: &str) -> bool {
    value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")
}

/// Values of the pre-1.19 seccomp annotations that are allowed.
pub fn seccomp_annotation_allowed(value: &str) -> bool {
    value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysctls_follow_versions() {
        assert!(sysctl_allowed("kernel.shm_rmid_forced", v(0)));
        assert!(!sysctl_allowed("net.ipv4.tcp_rmem", v(31)));
        assert!(sysctl_allowed("net.ipv4.tcp_rmem", v(32)));
        assert!(!sysctl_allowed("net.ipv4.tcp_notsent_lowat", v(36)));
        assert!(sysctl_allowed("net.ipv4.tcp_notsent_lowat", v(37)));
        assert!(!sysctl_allowed("kernel.msgmax", PssVersion::LATEST));
    }

    #[test]
    fn selinux_types_follow_versions() {
        assert!(!selinux_type_allowed("container_engine_t", v(30)));
        assert!(selinux_type_allowed("container_engine_t", v(31)));
        assert!(!selinux_type_allowed("spc_t", PssVersion::LATEST));
    }
}
