use palisade_core::{declare_check, CheckContext, FieldPath, PodSpecView, PssControl, Target};
use serde_json::{Map, Value};

use crate::helpers::pss_versions::selinux_type_allowed;

declare_check! {
    /// ## What it checks
    /// `seLinuxOptions` at pod or container level that set a custom SELinux `user` or
    /// `role`, or a `type` other than `container_t`, `container_init_t`,
    /// `container_kvm_t` (and, from policy v1.31, `container_engine_t`). The `level`
    /// is not restricted.
    ///
    /// ## Why it matters
    /// SELinux confines containers to their own files and processes. A custom type such
    /// as `spc_t` ("super privileged container") or a custom user or role lifts that
    /// confinement.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seLinuxOptions:
    ///     type: spc_t
    /// ```
    pub struct SeLinuxOptionsUnsafe {
        id: "PAL-WL-008",
        slug: "selinux-options-unsafe",
        title: "SELinux options lift container confinement",
        severity: High,
        target: Target::PodSpec,
        remediation: "Remove the custom SELinux `type`, `user` and `role`; keep only `level` if you need MCS labels.",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
        pss: Some(PssControl::baseline("SELinux", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            let version = cx.settings().pss_version;
            let judge = |sc: Option<&Map<String, Value>>, sc_path: FieldPath, who: String, cx: &mut CheckContext<'_>| {
                let Some(options) = sc.and_then(|s| s.get("seLinuxOptions")).and_then(Value::as_object) else {
                    return;
                };
                let base = sc_path.join("seLinuxOptions");
                let text = |k: &str| options.get(k).and_then(Value::as_str).unwrap_or("");
                if !selinux_type_allowed(text("type"), version) {
                    cx.fail_args(base.join("type"), format_args!("{who} sets SELinux type {:?}", text("type")));
                }
                for field in ["user", "role"] {
                    if !text(field).is_empty() {
                        cx.fail_args(base.join(field), format_args!("{who} sets a custom SELinux {field} {:?}", text(field)));
                    }
                }
            };
            judge(pod.security_context(), pod.security_context_path(), "pod".to_string(), cx);
            for c in pod.containers() {
                judge(c.security_context(), c.path.join("securityContext"), c.describe().to_string(), cx);
            }
        }
    }
}
