//! The settings recommendations read, with the components' built-in
//! defaults (facts of each component's flag and configuration-file
//! documentation). A default decides a verdict only when nothing sets the
//! value; the evidence then says so.

use crate::settings::Setting;

const fn flag(name: &'static str, default: Option<&'static str>) -> Setting {
    Setting::flag(name, default)
}

/// Flag and configuration key share a default.
const fn keyed(name: &'static str, key: &'static str, default: Option<&'static str>) -> Setting {
    Setting::both(name, key, default, default)
}

// Paths shared by several components.
pub const KUBECONFIG: Setting = flag("kubeconfig", None);
pub const CONFIG: Setting = flag("config", None);

// kube-apiserver.
pub const API_ANONYMOUS_AUTH: Setting = flag("anonymous-auth", Some("true"));
pub const API_TOKEN_AUTH_FILE: Setting = flag("token-auth-file", None);
pub const API_KUBELET_CLIENT_CERTIFICATE: Setting = flag("kubelet-client-certificate", None);
pub const API_KUBELET_CLIENT_KEY: Setting = flag("kubelet-client-key", None);
pub const API_KUBELET_CA: Setting = flag("kubelet-certificate-authority", None);
/// With `--authorization-config` (1.29+), the authorizers' types.
pub const API_AUTHORIZATION_MODE: Setting = Setting::both(
    "authorization-mode",
    "authorizers[].type",
    Some("AlwaysAllow"),
    None,
)
.list();
pub const PROFILING: Setting = flag("profiling", Some("true"));
/// kube-scheduler ignores `--profiling` and `--kubeconfig` when it has a
/// `--config` file, and reads them from it.
pub const SCHEDULER_PROFILING: Setting =
    keyed("profiling", "enableProfiling", Some("true")).ignored_with_config();
pub const SCHEDULER_KUBECONFIG: Setting =
    keyed("kubeconfig", "clientConnection.kubeconfig", None).ignored_with_config();
pub const API_AUDIT_LOG_PATH: Setting = flag("audit-log-path", None);
pub const API_AUDIT_LOG_MAXAGE: Setting = flag("audit-log-maxage", Some("0"));
pub const API_AUDIT_LOG_MAXBACKUP: Setting = flag("audit-log-maxbackup", Some("0"));
pub const API_AUDIT_LOG_MAXSIZE: Setting = flag("audit-log-maxsize", Some("0"));
pub const API_REQUEST_TIMEOUT: Setting = flag("request-timeout", Some("1m0s"));
pub const API_SERVICE_ACCOUNT_LOOKUP: Setting = flag("service-account-lookup", Some("true"));
pub const API_SERVICE_ACCOUNT_KEY_FILE: Setting = flag("service-account-key-file", None);
pub const API_ETCD_CERTFILE: Setting = flag("etcd-certfile", None);
pub const API_ETCD_KEYFILE: Setting = flag("etcd-keyfile", None);
pub const TLS_CERT_FILE: Setting = flag("tls-cert-file", None);
pub const TLS_PRIVATE_KEY_FILE: Setting = flag("tls-private-key-file", None);
pub const API_CLIENT_CA_FILE: Setting = flag("client-ca-file", None);
pub const API_ETCD_CAFILE: Setting = flag("etcd-cafile", None);
pub const API_ENCRYPTION_PROVIDER_CONFIG: Setting = flag("encryption-provider-config", None);
pub const API_AUDIT_POLICY_FILE: Setting = flag("audit-policy-file", None);
pub const TLS_CIPHER_SUITES: Setting = flag("tls-cipher-suites", None).list();

/// Admission plugins the API server runs without being asked (1.28 and
/// later); `--disable-admission-plugins` turns them off.
pub const DEFAULT_ADMISSION_PLUGINS: &[&str] = &[
    "NamespaceLifecycle",
    "LimitRanger",
    "ServiceAccount",
    "TaintNodesByCondition",
    "PodSecurity",
    "Priority",
    "DefaultTolerationSeconds",
    "DefaultStorageClass",
    "StorageObjectInUseProtection",
    "PersistentVolumeClaimResize",
    "RuntimeClass",
    "CertificateApproval",
    "CertificateSigning",
    "ClusterTrustBundleAttest",
    "CertificateSubjectRestriction",
    "DefaultIngressClass",
    "MutatingAdmissionWebhook",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
    "ResourceQuota",
];

// kube-controller-manager and kube-scheduler.
pub const CM_TERMINATED_POD_GC_THRESHOLD: Setting =
    flag("terminated-pod-gc-threshold", Some("12500"));
pub const CM_USE_SERVICE_ACCOUNT_CREDENTIALS: Setting =
    flag("use-service-account-credentials", Some("false"));
pub const CM_SERVICE_ACCOUNT_PRIVATE_KEY_FILE: Setting =
    flag("service-account-private-key-file", None);
pub const CM_ROOT_CA_FILE: Setting = flag("root-ca-file", None);
pub const FEATURE_GATES: Setting = flag("feature-gates", None).map();
/// Both listen on every interface unless told otherwise.
pub const BIND_ADDRESS: Setting = flag("bind-address", Some("0.0.0.0"));

// etcd: the keys of its `--config-file`, which replaces its flags.
pub const ETCD_CERT_FILE: Setting = keyed("cert-file", "client-transport-security.cert-file", None);
pub const ETCD_KEY_FILE: Setting = keyed("key-file", "client-transport-security.key-file", None);
pub const ETCD_CLIENT_CERT_AUTH: Setting = keyed(
    "client-cert-auth",
    "client-transport-security.client-cert-auth",
    Some("false"),
);
pub const ETCD_AUTO_TLS: Setting = keyed(
    "auto-tls",
    "client-transport-security.auto-tls",
    Some("false"),
);
pub const ETCD_PEER_CERT_FILE: Setting =
    keyed("peer-cert-file", "peer-transport-security.cert-file", None);
pub const ETCD_PEER_KEY_FILE: Setting =
    keyed("peer-key-file", "peer-transport-security.key-file", None);
pub const ETCD_PEER_CLIENT_CERT_AUTH: Setting = keyed(
    "peer-client-cert-auth",
    "peer-transport-security.client-cert-auth",
    Some("false"),
);
pub const ETCD_PEER_AUTO_TLS: Setting = keyed(
    "peer-auto-tls",
    "peer-transport-security.auto-tls",
    Some("false"),
);
pub const ETCD_TRUSTED_CA_FILE: Setting = keyed(
    "trusted-ca-file",
    "client-transport-security.trusted-ca-file",
    None,
);
pub const ETCD_DATA_DIR: Setting = keyed("data-dir", "data-dir", None);

// kubelet: the flag defaults and the KubeletConfiguration (v1beta1)
// defaults differ for authentication, authorization and the read-only
// port.
pub const KUBELET_ANONYMOUS_AUTH: Setting = Setting::both(
    "anonymous-auth",
    "authentication.anonymous.enabled",
    Some("true"),
    Some("false"),
);
pub const KUBELET_AUTHORIZATION_MODE: Setting = Setting::both(
    "authorization-mode",
    "authorization.mode",
    Some("AlwaysAllow"),
    Some("Webhook"),
);
pub const KUBELET_CLIENT_CA_FILE: Setting =
    keyed("client-ca-file", "authentication.x509.clientCAFile", None);
pub const KUBELET_READ_ONLY_PORT: Setting =
    Setting::both("read-only-port", "readOnlyPort", Some("10255"), Some("0"));
/// The kubelet replaces a zero `streamingConnectionIdleTimeout` in its file
/// with the default; only the flag can set zero.
pub const KUBELET_STREAMING_IDLE_TIMEOUT: Setting = keyed(
    "streaming-connection-idle-timeout",
    "streamingConnectionIdleTimeout",
    Some("4h0m0s"),
)
.zero_means_default();
pub const KUBELET_IPTABLES_UTIL_CHAINS: Setting = keyed(
    "make-iptables-util-chains",
    "makeIPTablesUtilChains",
    Some("true"),
);
pub const KUBELET_HOSTNAME_OVERRIDE: Setting = flag("hostname-override", None);
pub const KUBELET_EVENT_QPS: Setting = keyed("event-qps", "eventRecordQPS", Some("50"));
pub const KUBELET_TLS_CERT_FILE: Setting = keyed("tls-cert-file", "tlsCertFile", None);
pub const KUBELET_TLS_PRIVATE_KEY_FILE: Setting =
    keyed("tls-private-key-file", "tlsPrivateKeyFile", None);
pub const KUBELET_ROTATE_CERTIFICATES: Setting =
    keyed("rotate-certificates", "rotateCertificates", Some("false"));
pub const KUBELET_FEATURE_GATES: Setting = keyed("feature-gates", "featureGates", None).map();
pub const KUBELET_TLS_CIPHER_SUITES: Setting =
    keyed("tls-cipher-suites", "tlsCipherSuites", None).list();
pub const KUBELET_POD_MAX_PIDS: Setting = keyed("pod-max-pids", "podPidsLimit", Some("-1"));

// kube-proxy.
/// Ignored by kube-proxy when it has a `--config` file.
pub const PROXY_METRICS_BIND_ADDRESS: Setting = keyed(
    "metrics-bind-address",
    "metricsBindAddress",
    Some("127.0.0.1:10249"),
)
.ignored_with_config();
pub const PROXY_KUBECONFIG: Setting = keyed("kubeconfig", "clientConnection.kubeconfig", None);
