use palisade_core::{declare_check, CheckContext, PodSpecView, Target};
use serde_json::Value;

const ADMIN_PORTS: [(i64, &str); 2] = [(22, "SSH"), (3389, "RDP")];

declare_check! {
    /// ## What it checks
    /// Containers that expose a remote-administration port: 22 (SSH) or 3389 (RDP),
    /// as `containerPort` or `hostPort`.
    ///
    /// ## Why it matters
    /// A remote shell inside a container is a standing back door that bypasses the
    /// Kubernetes API's authentication, authorisation and audit log. Use
    /// `kubectl exec` or ephemeral debug containers instead.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    /// - containerPort: 22
    /// ```
    pub struct RemoteAdminPort {
        id: "PAL-WL-049",
        slug: "remote-admin-port",
        title: "Container exposes a remote administration port",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Remove the SSH/RDP server from the image and the port from the spec; debug with `kubectl exec` or `kubectl debug`.",
        references: &["https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for c in pod.containers() {
                for (path, port) in c.list("ports") {
                    for field in ["containerPort", "hostPort"] {
                        let Some(number) = port.get(field).and_then(Value::as_i64) else { continue };
                        if let Some((_, service)) = ADMIN_PORTS.iter().find(|(p, _)| *p == number) {
                            cx.fail_args(path.join(field), format_args!("{} exposes {service} port {number} ({field})", c.describe()));
                        }
                    }
                }
            }
        }
    }
}
