//! CIS Kubernetes Benchmark v1.10.0, sections 1 to 4 (the node and its
//! control plane). Section 5 is about cluster objects and is judged by
//! `palisade scan`. Numbers, automated/manual markings and required values
//! are the benchmark's; titles are palisade's words.

use super::files as f;
use super::settings as s;
use super::{Benchmark, Recommendation, Rule, Test};
use crate::deep;
use crate::model::ComponentKind::{
    self, ApiServer, ControllerManager, Etcd, Kubelet, Proxy, Scheduler,
};
use crate::settings::Setting;

pub const SECTIONS: &[(&str, &str)] = &[
    ("1", "Control Plane Components"),
    ("2", "Etcd Node Configuration"),
    ("3", "Control Plane Configuration"),
    ("4", "Worker Nodes"),
];

/// Cipher suites 1.2.29 accepts for the API server in v1.10.
pub const API_STRONG_CIPHERS: &[&str] = &[
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
];

/// Cipher suites 4.2.12 accepts for the kubelet.
pub const KUBELET_STRONG_CIPHERS: &[&str] = &[
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
];

fn auto(id: &'static str, title: &'static str, test: Test) -> Recommendation {
    Recommendation {
        id,
        title,
        automated: true,
        test,
    }
}

fn manual(id: &'static str, title: &'static str, test: Test) -> Recommendation {
    Recommendation {
        id,
        title,
        automated: false,
        test,
    }
}

fn set(component: ComponentKind, setting: Setting, rule: Rule) -> Test {
    Test::Setting {
        component,
        setting,
        rule,
    }
}

fn mode(files: super::Files, max: u32) -> Test {
    Test::FileMode { files, max }
}

fn owner(files: super::Files, owner: &'static str) -> Test {
    Test::FileOwner { files, owner }
}

fn plugin(plugin: &'static str, enabled: bool) -> Test {
    Test::Admission { plugin, enabled }
}

fn person(component: Option<ComponentKind>) -> Test {
    Test::Manual {
        component,
        hint: None,
    }
}

pub fn benchmark() -> Benchmark {
    Benchmark {
        name: "cis-1.10",
        version: "1.10.0",
        kubernetes: (28, 28),
        sections: SECTIONS,
        recommendations: recommendations(&[API_STRONG_CIPHERS]),
    }
}

/// The recommendations of v1.10; v1.9 differs only in the API server's
/// cipher list. One line per recommendation, kept as a table.
#[rustfmt::skip]
pub fn recommendations(api_ciphers: &'static [&'static [&'static str]]) -> Vec<Recommendation> {
    use Rule::*;
    vec![
        // 1.1 Control plane node configuration files.
        auto("1.1.1", "API server pod specification file permissions are 600 or more restrictive", mode(f::APISERVER_MANIFEST, 0o600)),
        auto("1.1.2", "API server pod specification file is owned by root:root", owner(f::APISERVER_MANIFEST, "root:root")),
        auto("1.1.3", "Controller manager pod specification file permissions are 600 or more restrictive", mode(f::CONTROLLER_MANAGER_MANIFEST, 0o600)),
        auto("1.1.4", "Controller manager pod specification file is owned by root:root", owner(f::CONTROLLER_MANAGER_MANIFEST, "root:root")),
        auto("1.1.5", "Scheduler pod specification file permissions are 600 or more restrictive", mode(f::SCHEDULER_MANIFEST, 0o600)),
        auto("1.1.6", "Scheduler pod specification file is owned by root:root", owner(f::SCHEDULER_MANIFEST, "root:root")),
        auto("1.1.7", "etcd pod specification file permissions are 600 or more restrictive", mode(f::ETCD_MANIFEST, 0o600)),
        auto("1.1.8", "etcd pod specification file is owned by root:root", owner(f::ETCD_MANIFEST, "root:root")),
        manual("1.1.9", "Container Network Interface file permissions are 600 or more restrictive", mode(f::CNI_FILES, 0o600)),
        manual("1.1.10", "Container Network Interface files are owned by root:root", owner(f::CNI_FILES, "root:root")),
        auto("1.1.11", "etcd data directory permissions are 700 or more restrictive", mode(f::ETCD_DATA_DIR, 0o700)),
        auto("1.1.12", "etcd data directory is owned by etcd:etcd", owner(f::ETCD_DATA_DIR, "etcd:etcd")),
        auto("1.1.13", "Default administrative kubeconfig file permissions are 600 or more restrictive", mode(f::ADMIN_KUBECONFIGS, 0o600)),
        auto("1.1.14", "Default administrative kubeconfig files are owned by root:root", owner(f::ADMIN_KUBECONFIGS, "root:root")),
        auto("1.1.15", "scheduler.conf permissions are 600 or more restrictive", mode(f::SCHEDULER_KUBECONFIG, 0o600)),
        auto("1.1.16", "scheduler.conf is owned by root:root", owner(f::SCHEDULER_KUBECONFIG, "root:root")),
        auto("1.1.17", "controller-manager.conf permissions are 600 or more restrictive", mode(f::CONTROLLER_MANAGER_KUBECONFIG, 0o600)),
        auto("1.1.18", "controller-manager.conf is owned by root:root", owner(f::CONTROLLER_MANAGER_KUBECONFIG, "root:root")),
        auto("1.1.19", "Kubernetes PKI directory and files are owned by root:root", owner(f::PKI_DIR_AND_FILES, "root:root")),
        manual("1.1.20", "Kubernetes PKI certificate file permissions are 600 or more restrictive", mode(f::PKI_CERTIFICATES, 0o600)),
        manual("1.1.21", "Kubernetes PKI key file permissions are 600", mode(f::PKI_KEYS, 0o600)),
        // 1.2 API server.
        manual("1.2.1", "API server --anonymous-auth is false", set(ApiServer, s::API_ANONYMOUS_AUTH, Is("false"))),
        auto("1.2.2", "API server --token-auth-file is not set", set(ApiServer, s::API_TOKEN_AUTH_FILE, Unset)),
        manual("1.2.3", "API server admission plugin DenyServiceExternalIPs is set", plugin("DenyServiceExternalIPs", true)),
        auto("1.2.4", "API server --kubelet-client-certificate and --kubelet-client-key are set", Test::All(vec![
            set(ApiServer, s::API_KUBELET_CLIENT_CERTIFICATE, Set),
            set(ApiServer, s::API_KUBELET_CLIENT_KEY, Set),
        ])),
        auto("1.2.5", "API server --kubelet-certificate-authority is set", set(ApiServer, s::API_KUBELET_CA, Set)),
        auto("1.2.6", "API server --authorization-mode is not AlwaysAllow", set(ApiServer, s::API_AUTHORIZATION_MODE, Excludes("AlwaysAllow"))),
        auto("1.2.7", "API server --authorization-mode includes Node", set(ApiServer, s::API_AUTHORIZATION_MODE, Includes("Node"))),
        auto("1.2.8", "API server --authorization-mode includes RBAC", set(ApiServer, s::API_AUTHORIZATION_MODE, Includes("RBAC"))),
        manual("1.2.9", "API server admission plugin EventRateLimit is set", plugin("EventRateLimit", true)),
        auto("1.2.10", "API server admission plugin AlwaysAdmit is not set", plugin("AlwaysAdmit", false)),
        manual("1.2.11", "API server admission plugin AlwaysPullImages is set", plugin("AlwaysPullImages", true)),
        auto("1.2.12", "API server admission plugin ServiceAccount is set", plugin("ServiceAccount", true)),
        auto("1.2.13", "API server admission plugin NamespaceLifecycle is set", plugin("NamespaceLifecycle", true)),
        auto("1.2.14", "API server admission plugin NodeRestriction is set", plugin("NodeRestriction", true)),
        auto("1.2.15", "API server --profiling is false", set(ApiServer, s::PROFILING, Is("false"))),
        auto("1.2.16", "API server --audit-log-path is set", set(ApiServer, s::API_AUDIT_LOG_PATH, Set)),
        auto("1.2.17", "API server --audit-log-maxage is 30 or as appropriate", set(ApiServer, s::API_AUDIT_LOG_MAXAGE, AtLeast(30))),
        auto("1.2.18", "API server --audit-log-maxbackup is 10 or as appropriate", set(ApiServer, s::API_AUDIT_LOG_MAXBACKUP, AtLeast(10))),
        auto("1.2.19", "API server --audit-log-maxsize is 100 or as appropriate", set(ApiServer, s::API_AUDIT_LOG_MAXSIZE, AtLeast(100))),
        manual("1.2.20", "API server --request-timeout is set as appropriate", Test::Manual {
            component: Some(ApiServer),
            hint: Some(|node| deep::setting_evidence(node, ApiServer, s::API_REQUEST_TIMEOUT)),
        }),
        auto("1.2.21", "API server --service-account-lookup is true", set(ApiServer, s::API_SERVICE_ACCOUNT_LOOKUP, Is("true"))),
        auto("1.2.22", "API server --service-account-key-file is set as appropriate", set(ApiServer, s::API_SERVICE_ACCOUNT_KEY_FILE, Set)),
        auto("1.2.23", "API server --etcd-certfile and --etcd-keyfile are set as appropriate", Test::All(vec![
            set(ApiServer, s::API_ETCD_CERTFILE, Set),
            set(ApiServer, s::API_ETCD_KEYFILE, Set),
        ])),
        auto("1.2.24", "API server --tls-cert-file and --tls-private-key-file are set as appropriate", Test::All(vec![
            set(ApiServer, s::TLS_CERT_FILE, Set),
            set(ApiServer, s::TLS_PRIVATE_KEY_FILE, Set),
        ])),
        auto("1.2.25", "API server --client-ca-file is set as appropriate", set(ApiServer, s::API_CLIENT_CA_FILE, Set)),
        auto("1.2.26", "API server --etcd-cafile is set as appropriate", set(ApiServer, s::API_ETCD_CAFILE, Set)),
        manual("1.2.27", "API server --encryption-provider-config is set as appropriate", set(ApiServer, s::API_ENCRYPTION_PROVIDER_CONFIG, Set)),
        manual("1.2.28", "Encryption providers are appropriately configured", Test::Judge {
            component: ApiServer,
            judge: deep::encryption::judge,
            describe: "the first provider for secrets in the `--encryption-provider-config` file is aescbc, kms or secretbox",
        }),
        manual("1.2.29", "API server only uses strong cryptographic ciphers", set(ApiServer, s::TLS_CIPHER_SUITES, Within(api_ciphers))),
        // 1.3 Controller manager.
        manual("1.3.1", "Controller manager --terminated-pod-gc-threshold is set as appropriate", set(ControllerManager, s::CM_TERMINATED_POD_GC_THRESHOLD, Set)),
        auto("1.3.2", "Controller manager --profiling is false", set(ControllerManager, s::PROFILING, Is("false"))),
        auto("1.3.3", "Controller manager --use-service-account-credentials is true", set(ControllerManager, s::CM_USE_SERVICE_ACCOUNT_CREDENTIALS, Is("true"))),
        auto("1.3.4", "Controller manager --service-account-private-key-file is set as appropriate", set(ControllerManager, s::CM_SERVICE_ACCOUNT_PRIVATE_KEY_FILE, Set)),
        auto("1.3.5", "Controller manager --root-ca-file is set as appropriate", set(ControllerManager, s::CM_ROOT_CA_FILE, Set)),
        auto("1.3.6", "Controller manager RotateKubeletServerCertificate is true", set(ControllerManager, s::FEATURE_GATES, GateNotOff("RotateKubeletServerCertificate"))),
        auto("1.3.7", "Controller manager --bind-address is 127.0.0.1", set(ControllerManager, s::BIND_ADDRESS, Loopback)),
        // 1.4 Scheduler.
        auto("1.4.1", "Scheduler --profiling is false", set(Scheduler, s::SCHEDULER_PROFILING, Is("false"))),
        auto("1.4.2", "Scheduler --bind-address is 127.0.0.1", set(Scheduler, s::BIND_ADDRESS, Loopback)),
        // 2 etcd.
        auto("2.1", "etcd --cert-file and --key-file are set as appropriate", Test::All(vec![
            set(Etcd, s::ETCD_CERT_FILE, Set),
            set(Etcd, s::ETCD_KEY_FILE, Set),
        ])),
        auto("2.2", "etcd --client-cert-auth is true", set(Etcd, s::ETCD_CLIENT_CERT_AUTH, Is("true"))),
        auto("2.3", "etcd --auto-tls is not true", set(Etcd, s::ETCD_AUTO_TLS, IsNot("true"))),
        auto("2.4", "etcd --peer-cert-file and --peer-key-file are set as appropriate", Test::All(vec![
            set(Etcd, s::ETCD_PEER_CERT_FILE, Set),
            set(Etcd, s::ETCD_PEER_KEY_FILE, Set),
        ])),
        auto("2.5", "etcd --peer-client-cert-auth is true", set(Etcd, s::ETCD_PEER_CLIENT_CERT_AUTH, Is("true"))),
        auto("2.6", "etcd --peer-auto-tls is not true", set(Etcd, s::ETCD_PEER_AUTO_TLS, IsNot("true"))),
        manual("2.7", "etcd uses a certificate authority of its own", Test::Judge {
            component: Etcd,
            judge: deep::etcd_ca::judge,
            describe: "etcd's `--trusted-ca-file` is set and is neither the API server's `--client-ca-file` nor a copy of it",
        }),
        // 3 Control plane configuration.
        manual("3.1.1", "Client certificate authentication is not used for users", person(Some(ApiServer))),
        manual("3.1.2", "Service account token authentication is not used for users", person(Some(ApiServer))),
        manual("3.1.3", "Bootstrap token authentication is not used for users", person(Some(ApiServer))),
        manual("3.2.1", "A minimal audit policy is created", set(ApiServer, s::API_AUDIT_POLICY_FILE, Set)),
        manual("3.2.2", "The audit policy covers key security concerns", Test::Manual {
            component: Some(ApiServer),
            hint: Some(deep::audit_policy::hint),
        }),
        // 4.1 Worker node configuration files.
        auto("4.1.1", "kubelet service file permissions are 600 or more restrictive", mode(f::KUBELET_SERVICE, 0o600)),
        auto("4.1.2", "kubelet service file is owned by root:root", owner(f::KUBELET_SERVICE, "root:root")),
        manual("4.1.3", "kube-proxy kubeconfig file permissions, if it exists, are 600 or more restrictive", mode(f::PROXY_KUBECONFIG, 0o600)),
        manual("4.1.4", "kube-proxy kubeconfig file, if it exists, is owned by root:root", owner(f::PROXY_KUBECONFIG, "root:root")),
        auto("4.1.5", "kubelet.conf permissions are 600 or more restrictive", mode(f::KUBELET_KUBECONFIG, 0o600)),
        auto("4.1.6", "kubelet.conf is owned by root:root", owner(f::KUBELET_KUBECONFIG, "root:root")),
        manual("4.1.7", "Certificate authorities file permissions are 600 or more restrictive", mode(f::KUBELET_CLIENT_CA, 0o600)),
        manual("4.1.8", "Client certificate authorities file is owned by root:root", owner(f::KUBELET_CLIENT_CA, "root:root")),
        auto("4.1.9", "kubelet configuration file permissions are 600 or more restrictive", mode(f::KUBELET_CONFIG, 0o600)),
        auto("4.1.10", "kubelet configuration file is owned by root:root", owner(f::KUBELET_CONFIG, "root:root")),
        // 4.2 kubelet.
        auto("4.2.1", "kubelet --anonymous-auth is false", set(Kubelet, s::KUBELET_ANONYMOUS_AUTH, Is("false"))),
        auto("4.2.2", "kubelet --authorization-mode is not AlwaysAllow", set(Kubelet, s::KUBELET_AUTHORIZATION_MODE, Excludes("AlwaysAllow"))),
        auto("4.2.3", "kubelet --client-ca-file is set as appropriate", set(Kubelet, s::KUBELET_CLIENT_CA_FILE, Set)),
        manual("4.2.4", "kubelet --read-only-port is 0", set(Kubelet, s::KUBELET_READ_ONLY_PORT, Is("0"))),
        manual("4.2.5", "kubelet --streaming-connection-idle-timeout is not 0", set(Kubelet, s::KUBELET_STREAMING_IDLE_TIMEOUT, NonZeroDuration)),
        auto("4.2.6", "kubelet --make-iptables-util-chains is true", set(Kubelet, s::KUBELET_IPTABLES_UTIL_CHAINS, Is("true"))),
        manual("4.2.7", "kubelet --hostname-override is not set", set(Kubelet, s::KUBELET_HOSTNAME_OVERRIDE, Unset)),
        manual("4.2.8", "kubelet eventRecordQPS ensures appropriate event capture", set(Kubelet, s::KUBELET_EVENT_QPS, AtLeast(0))),
        manual("4.2.9", "kubelet --tls-cert-file and --tls-private-key-file are set as appropriate", Test::All(vec![
            set(Kubelet, s::KUBELET_TLS_CERT_FILE, Set),
            set(Kubelet, s::KUBELET_TLS_PRIVATE_KEY_FILE, Set),
        ])),
        auto("4.2.10", "kubelet --rotate-certificates is not set to false", set(Kubelet, s::KUBELET_ROTATE_CERTIFICATES, NotSetTo("false"))),
        manual("4.2.11", "kubelet RotateKubeletServerCertificate is true", set(Kubelet, s::KUBELET_FEATURE_GATES, GateNotOff("RotateKubeletServerCertificate"))),
        manual("4.2.12", "kubelet only uses strong cryptographic ciphers", set(Kubelet, s::KUBELET_TLS_CIPHER_SUITES, Within(&[KUBELET_STRONG_CIPHERS]))),
        manual("4.2.13", "A limit is set on pod PIDs", set(Kubelet, s::KUBELET_POD_MAX_PIDS, AtLeast(1))),
        // 4.3 kube-proxy.
        auto("4.3.1", "kube-proxy metrics service is bound to localhost", set(Proxy, s::PROXY_METRICS_BIND_ADDRESS, Loopback)),
    ]
}
