//! Segregation and exposure checks: namespaces, NetworkPolicies, Services and Ingresses.

mod ingress_wildcard_host;
mod ingress_without_tls;
mod load_balancer_without_source_ranges;
mod namespace_enforce_weaker_than_workloads;
mod namespace_without_limit_range;
mod namespace_without_network_policy;
mod namespace_without_pod_security_labels;
mod namespace_without_resource_quota;
mod network_policy_allows_all_egress;
mod network_policy_allows_all_ingress;
mod no_default_deny_egress;
mod no_default_deny_ingress;
mod node_port_service;
mod pod_not_selected_by_network_policy;
mod sensitive_workload_without_node_isolation;
mod service_external_ips;
mod workload_rejected_by_namespace_enforce;

pub use ingress_wildcard_host::IngressWildcardHost;
pub use ingress_without_tls::IngressWithoutTls;
pub use load_balancer_without_source_ranges::LoadBalancerWithoutSourceRanges;
pub use namespace_enforce_weaker_than_workloads::NamespaceEnforceWeakerThanWorkloads;
pub use namespace_without_limit_range::NamespaceWithoutLimitRange;
pub use namespace_without_network_policy::NamespaceWithoutNetworkPolicy;
pub use namespace_without_pod_security_labels::NamespaceWithoutPodSecurityLabels;
pub use namespace_without_resource_quota::NamespaceWithoutResourceQuota;
pub use network_policy_allows_all_egress::NetworkPolicyAllowsAllEgress;
pub use network_policy_allows_all_ingress::NetworkPolicyAllowsAllIngress;
pub use no_default_deny_egress::NoDefaultDenyEgress;
pub use no_default_deny_ingress::NoDefaultDenyIngress;
pub use node_port_service::NodePortService;
pub use pod_not_selected_by_network_policy::PodNotSelectedByNetworkPolicy;
pub use sensitive_workload_without_node_isolation::SensitiveWorkloadWithoutNodeIsolation;
pub use service_external_ips::ServiceExternalIps;
pub use workload_rejected_by_namespace_enforce::WorkloadRejectedByNamespaceEnforce;

/// The segregation and exposure checks in ID order.
pub static CHECKS: &[&dyn palisade_core::Check] = &[
    &NamespaceWithoutNetworkPolicy,
    &NoDefaultDenyIngress,
    &NoDefaultDenyEgress,
    &PodNotSelectedByNetworkPolicy,
    &NetworkPolicyAllowsAllIngress,
    &NetworkPolicyAllowsAllEgress,
    &NamespaceWithoutPodSecurityLabels,
    &WorkloadRejectedByNamespaceEnforce,
    &NamespaceEnforceWeakerThanWorkloads,
    &NamespaceWithoutResourceQuota,
    &NamespaceWithoutLimitRange,
    &LoadBalancerWithoutSourceRanges,
    &NodePortService,
    &ServiceExternalIps,
    &IngressWithoutTls,
    &IngressWildcardHost,
    &SensitiveWorkloadWithoutNodeIsolation,
];
