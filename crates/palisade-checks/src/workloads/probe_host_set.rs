use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};
use serde_json::Value;

const HANDLERS: [(&str, Option<&str>); 5] = [
    ("livenessProbe", None),
    ("readinessProbe", None),
    ("startupProbe", None),
    ("lifecycle", Some("postStart")),
    ("lifecycle", Some("preStop")),
];

declare_check! {
    /// ## What it checks
    /// Probes (`livenessProbe`, `readinessProbe`, `startupProbe`) and lifecycle hooks
    /// (`postStart`, `preStop`) whose `httpGet.host` or `tcpSocket.host` is set.
    /// Part of the baseline profile from policy v1.34.
    ///
    /// ## Why it matters
    /// The kubelet performs these requests from the node. A host field pointing
    /// elsewhere turns the kubelet into a proxy that reaches addresses the pod itself
    /// could not (node-local services, cloud metadata endpoints).
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     host: 169.254.169.254
    ///     path: /latest/meta-data
    ///     port: 80
    /// ```
    pub struct ProbeHostSet {
        id: "PAL-WL-012",
        slug: "probe-host-set",
        title: "Probe or lifecycle hook targets another host",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Remove the `host` field so that the probe targets the pod's own IP.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
        pss: Some(PssControl::baseline("Probes and lifecycle hooks host", 34)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for c in pod.containers() {
                for (field, hook) in HANDLERS {
                    let mut handler = c.get(field);
                    let mut path = c.field(field);
                    if let Some(hook) = hook {
                        handler = handler.and_then(|h| h.get(hook));
                        path = path.join(hook);
                    }
                    let Some(handler) = handler else { continue };
                    for kind in ["httpGet", "tcpSocket"] {
                        let host = handler.get(kind).and_then(|k| k.get("host")).and_then(Value::as_str).unwrap_or("");
                        if !host.is_empty() {
                            let where_ = hook.unwrap_or(field);
                            cx.fail_args(path.join(kind).join("host"), format_args!("{} {where_} targets host {host:?}", c.describe()));
                        }
                    }
                }
            }
        }
    }
}
