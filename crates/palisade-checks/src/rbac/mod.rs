//! RBAC checks: one file per check, over the RBAC graph of the whole inventory.

mod aggregated_role_widening;
mod authenticated_group_binding;
mod cluster_admin_binding;
mod csr_approval_access;
mod dangling_role_binding;
mod default_service_account_permissions;
mod events_delete_access;
mod impersonate_access;
mod node_proxy_access;
mod pod_exec_access;
mod rbac_escalate_or_bind;
mod rbac_wildcard;
mod secrets_read_access;
mod service_account_token_create;
mod unauthenticated_binding;
mod webhook_configuration_write;
mod workload_create_access;

pub use aggregated_role_widening::AggregatedRoleWidening;
pub use authenticated_group_binding::AuthenticatedGroupBinding;
pub use cluster_admin_binding::ClusterAdminBinding;
pub use csr_approval_access::CsrApprovalAccess;
pub use dangling_role_binding::DanglingRoleBinding;
pub use default_service_account_permissions::DefaultServiceAccountPermissions;
pub use events_delete_access::EventsDeleteAccess;
pub use impersonate_access::ImpersonateAccess;
pub use node_proxy_access::NodeProxyAccess;
pub use pod_exec_access::PodExecAccess;
pub use rbac_escalate_or_bind::RbacEscalateOrBind;
pub use rbac_wildcard::RbacWildcard;
pub use secrets_read_access::SecretsReadAccess;
pub use service_account_token_create::ServiceAccountTokenCreate;
pub use unauthenticated_binding::UnauthenticatedBinding;
pub use webhook_configuration_write::WebhookConfigurationWrite;
pub use workload_create_access::WorkloadCreateAccess;

/// The RBAC checks in ID order.
pub static CHECKS: &[&dyn palisade_core::Check] = &[
    &ClusterAdminBinding,
    &RbacWildcard,
    &SecretsReadAccess,
    &WorkloadCreateAccess,
    &PodExecAccess,
    &NodeProxyAccess,
    &RbacEscalateOrBind,
    &ImpersonateAccess,
    &ServiceAccountTokenCreate,
    &CsrApprovalAccess,
    &WebhookConfigurationWrite,
    &EventsDeleteAccess,
    &UnauthenticatedBinding,
    &AuthenticatedGroupBinding,
    &DefaultServiceAccountPermissions,
    &DanglingRoleBinding,
    &AggregatedRoleWidening,
];
