use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};
use serde_json::Value;

use crate::helpers::pss_versions::sysctl_allowed;

declare_check! {
    /// ## What it checks
    /// Pod `securityContext.sysctls` whose name is not in the safe set of the policy
    /// version (for example `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
    /// `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
    /// `net.ipv4.ip_unprivileged_port_start`, plus the names added in v1.27, v1.29,
    /// v1.32 and v1.37). Names are compared exactly.
    ///
    /// ## Why it matters
    /// Sysctls outside the namespaced, safe set change kernel behaviour for the whole
    /// node or for other pods.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   sysctls:
    ///   - name: kernel.msgmax
    ///     value: "65536"
    /// ```
    pub struct UnsafeSysctl {
        id: "PAL-WL-011",
        slug: "unsafe-sysctl",
        title: "Pod sets an unsafe sysctl",
        severity: High,
        target: Target::PodSpec,
        remediation: "Remove the sysctl, or set it on dedicated nodes through the kubelet's allowed-unsafe-sysctls and taints.",
        references: &["https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/"],
        pss: Some(PssControl::baseline("Sysctls", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            let version = cx.settings().pss_version;
            let sysctls = pod.security_context().and_then(|s| s.get("sysctls"));
            let base = pod.security_context_path().join("sysctls");
            for (path, sysctl) in palisade_core::podspec::indexed(sysctls, base) {
                let name = sysctl.get("name").and_then(Value::as_str).unwrap_or("");
                if !sysctl_allowed(name, version) {
                    cx.fail_args(path.join("name"), format_args!("pod sets sysctl {name:?}, which is not in the safe set of Pod Security Standards {version}"));
                }
            }
        }
    }
}
