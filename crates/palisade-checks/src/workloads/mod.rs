//! Workload checks: one file per check, over the pod spec of every pod-bearing kind.

mod all_capabilities_added;
mod apparmor_profile_unconfined;
mod capabilities_not_dropped;
mod capability_beyond_baseline;
mod container_runtime_socket_mounted;
mod cpu_limit_missing;
mod cpu_request_missing;
mod credential_in_env_value;
mod default_namespace;
mod default_service_account;
mod ephemeral_storage_limit_missing;
mod fs_group_unset;
mod host_aliases_set;
mod host_namespace_shared;
mod host_path_volume;
mod host_port;
mod host_process_container;
mod image_not_pinned_by_digest;
mod image_pull_policy_not_always;
mod image_registry_not_allowed;
mod image_tag_mutable;
mod liveness_probe_missing;
mod memory_limit_missing;
mod memory_request_missing;
mod net_admin_capability;
mod net_raw_not_dropped;
mod pod_security_policy_present;
mod privilege_escalation_allowed;
mod privileged_container;
mod probe_host_set;
mod proc_mount_unmasked;
mod proc_mount_unmasked_restricted;
mod process_namespace_shared;
mod readiness_probe_missing;
mod remote_admin_port;
mod restricted_volume_type;
mod root_filesystem_writable;
mod run_as_low_gid;
mod run_as_low_uid;
mod run_as_non_root_missing;
mod run_as_root_user;
mod seccomp_profile_missing;
mod seccomp_unconfined;
mod secret_in_environment;
mod selinux_options_unsafe;
mod sensitive_host_path_mounted;
mod service_account_token_automounted;
mod sys_admin_capability;
mod sys_module_capability;
mod sys_ptrace_capability;
mod unsafe_sysctl;

pub use all_capabilities_added::AllCapabilitiesAdded;
pub use apparmor_profile_unconfined::AppArmorProfileUnconfined;
pub use capabilities_not_dropped::CapabilitiesNotDropped;
pub use capability_beyond_baseline::CapabilityBeyondBaseline;
pub use container_runtime_socket_mounted::ContainerRuntimeSocketMounted;
pub use cpu_limit_missing::CpuLimitMissing;
pub use cpu_request_missing::CpuRequestMissing;
pub use credential_in_env_value::CredentialInEnvValue;
pub use default_namespace::DefaultNamespace;
pub use default_service_account::DefaultServiceAccount;
pub use ephemeral_storage_limit_missing::EphemeralStorageLimitMissing;
pub use fs_group_unset::FsGroupUnset;
pub use host_aliases_set::HostAliasesSet;
pub use host_namespace_shared::HostNamespaceShared;
pub use host_path_volume::HostPathVolume;
pub use host_port::HostPort;
pub use host_process_container::HostProcessContainer;
pub use image_not_pinned_by_digest::ImageNotPinnedByDigest;
pub use image_pull_policy_not_always::ImagePullPolicyNotAlways;
pub use image_registry_not_allowed::ImageRegistryNotAllowed;
pub use image_tag_mutable::ImageTagMutable;
pub use liveness_probe_missing::LivenessProbeMissing;
pub use memory_limit_missing::MemoryLimitMissing;
pub use memory_request_missing::MemoryRequestMissing;
pub use net_admin_capability::NetAdminCapability;
pub use net_raw_not_dropped::NetRawNotDropped;
pub use pod_security_policy_present::PodSecurityPolicyPresent;
pub use privilege_escalation_allowed::PrivilegeEscalationAllowed;
pub use privileged_container::PrivilegedContainer;
pub use probe_host_set::ProbeHostSet;
pub use proc_mount_unmasked::ProcMountUnmasked;
pub use proc_mount_unmasked_restricted::ProcMountUnmaskedRestricted;
pub use process_namespace_shared::ProcessNamespaceShared;
pub use readiness_probe_missing::ReadinessProbeMissing;
pub use remote_admin_port::RemoteAdminPort;
pub use restricted_volume_type::RestrictedVolumeType;
pub use root_filesystem_writable::RootFilesystemWritable;
pub use run_as_low_gid::RunAsLowGid;
pub use run_as_low_uid::RunAsLowUid;
pub use run_as_non_root_missing::RunAsNonRootMissing;
pub use run_as_root_user::RunAsRootUser;
pub use seccomp_profile_missing::SeccompProfileMissing;
pub use seccomp_unconfined::SeccompUnconfined;
pub use secret_in_environment::SecretInEnvironment;
pub use selinux_options_unsafe::SeLinuxOptionsUnsafe;
pub use sensitive_host_path_mounted::SensitiveHostPathMounted;
pub use service_account_token_automounted::ServiceAccountTokenAutomounted;
pub use sys_admin_capability::SysAdminCapability;
pub use sys_module_capability::SysModuleCapability;
pub use sys_ptrace_capability::SysPtraceCapability;
pub use unsafe_sysctl::UnsafeSysctl;

/// The workload checks in ID order.
pub static CHECKS: &[&dyn palisade_core::Check] = &[
    &HostProcessContainer,
    &HostNamespaceShared,
    &PrivilegedContainer,
    &CapabilityBeyondBaseline,
    &HostPathVolume,
    &HostPort,
    &AppArmorProfileUnconfined,
    &SeLinuxOptionsUnsafe,
    &ProcMountUnmasked,
    &SeccompUnconfined,
    &UnsafeSysctl,
    &ProbeHostSet,
    &RestrictedVolumeType,
    &PrivilegeEscalationAllowed,
    &RunAsNonRootMissing,
    &RunAsRootUser,
    &SeccompProfileMissing,
    &CapabilitiesNotDropped,
    &ProcMountUnmaskedRestricted,
    &RootFilesystemWritable,
    &CpuRequestMissing,
    &CpuLimitMissing,
    &MemoryRequestMissing,
    &MemoryLimitMissing,
    &EphemeralStorageLimitMissing,
    &LivenessProbeMissing,
    &ReadinessProbeMissing,
    &ImageTagMutable,
    &ImageNotPinnedByDigest,
    &ImagePullPolicyNotAlways,
    &ServiceAccountTokenAutomounted,
    &DefaultServiceAccount,
    &DefaultNamespace,
    &RunAsLowUid,
    &RunAsLowGid,
    &FsGroupUnset,
    &ContainerRuntimeSocketMounted,
    &SensitiveHostPathMounted,
    &SysAdminCapability,
    &NetAdminCapability,
    &SysPtraceCapability,
    &SysModuleCapability,
    &AllCapabilitiesAdded,
    &NetRawNotDropped,
    &ProcessNamespaceShared,
    &HostAliasesSet,
    &SecretInEnvironment,
    &CredentialInEnvValue,
    &RemoteAdminPort,
    &ImageRegistryNotAllowed,
    &PodSecurityPolicyPresent,
];
