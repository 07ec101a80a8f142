use palisade_core::{declare_check, CheckContext, PodSpecView, PssControl, Target};
use serde_json::Value;

use crate::helpers::pss_versions::{apparmor_annotation_allowed, seccomp_type_allowed};

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

declare_check! {
    /// ## What it checks
    /// AppArmor profiles that are overridden to something other than the runtime
    /// default or a profile loaded on the node, in both forms: the
    /// `container.apparmor.security.beta.kubernetes.io/<container>` annotations (allowed
    /// values: empty, `runtime/default`, `localhost/*`) and the `appArmorProfile` field
    /// of pod and container security contexts (allowed types: `RuntimeDefault`,
    /// `Localhost`).
    ///
    /// ## Why it matters
    /// AppArmor is one of the layers that contain a compromised process.
    /// `Unconfined` removes it.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   appArmorProfile:
    ///     type: Unconfined
    /// ```
    pub struct AppArmorProfileUnconfined {
        id: "PAL-WL-007",
        slug: "apparmor-profile-unconfined",
        title: "AppArmor profile disabled or overridden",
        severity: High,
        target: Target::PodSpec,
        remediation: "Remove the override, or use `RuntimeDefault` or a `Localhost` profile.",
        references: &["https://kubernetes.io/docs/tutorials/security/apparmor/"],
        pss: Some(PssControl::baseline("AppArmor", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for (key, value) in pod.annotations().into_iter().flatten() {
                if let Some(container) = key.strip_prefix(ANNOTATION_PREFIX) {
                    let value = value.as_str().unwrap_or("");
                    if !apparmor_annotation_allowed(value) {
                        cx.fail_args(pod.annotations_path().join(key.clone()), format_args!("annotation sets AppArmor profile {value:?} for container {container:?}"));
                    }
                }
            }
            let bad_type = |sc: Option<&serde_json::Map<String, Value>>| {
                let profile = sc?.get("appArmorProfile")?.as_object()?;
                let ty = profile.get("type").and_then(Value::as_str);
                (!seccomp_type_allowed(ty)).then(|| ty.unwrap_or("").to_string())
            };
            if let Some(ty) = bad_type(pod.security_context()) {
                cx.fail_args(pod.security_context_path().join_all(&["appArmorProfile", "type"]), format_args!("pod sets appArmorProfile type {ty:?}"));
            }
            for c in pod.containers() {
                if let Some(ty) = bad_type(c.security_context()) {
                    cx.fail_args(c.path.join_all(&["securityContext", "appArmorProfile", "type"]), format_args!("{} sets appArmorProfile type {ty:?}", c.describe()));
                }
            }
        }
    }
}
