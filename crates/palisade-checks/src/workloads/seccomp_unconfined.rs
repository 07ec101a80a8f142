use palisade_core::{declare_check, CheckContext, FieldPath, PodSpecView, PssControl, Target};
use serde_json::{Map, Value};

use crate::helpers::pss_versions::{
    seccomp_annotation_allowed, seccomp_type_allowed, seccomp_uses_fields,
};

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

declare_check! {
    /// ## What it checks
    /// Seccomp explicitly disabled: a `seccompProfile` at pod or container level whose
    /// type is not `RuntimeDefault` or `Localhost` (typically `Unconfined`). Leaving
    /// the profile unset is allowed at this level. Before policy v1.19 the control reads
    /// the alpha annotations (`seccomp.security.alpha.kubernetes.io/pod` and
    /// `container.seccomp.security.alpha.kubernetes.io/<name>`) instead, allowing
    /// `runtime/default`, `docker/default` and `localhost/*`.
    ///
    /// ## Why it matters
    /// Seccomp filters the system calls a container can make, closing off much of the
    /// kernel attack surface used in container escapes.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seccompProfile:
    ///     type: Unconfined
    /// ```
    pub struct SeccompUnconfined {
        id: "PAL-WL-010",
        slug: "seccomp-unconfined",
        title: "Seccomp profile set to Unconfined",
        severity: High,
        target: Target::PodSpec,
        remediation: "Set `seccompProfile.type` to `RuntimeDefault` (or `Localhost` with a reviewed profile).",
        references: &["https://kubernetes.io/docs/tutorials/security/seccomp/"],
        pss: Some(PssControl::baseline("Seccomp", 0)),
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if seccomp_uses_fields(cx.settings().pss_version) {
                check_fields(pod, cx);
            } else {
                check_annotations(pod, cx);
            }
        }
    }
}

/// The type of a `seccompProfile` that is set but not allowed.
pub(crate) fn disallowed_seccomp_type(sc: Option<&Map<String, Value>>) -> Option<String> {
    let profile = sc?.get("seccompProfile")?.as_object()?;
    let ty = profile.get("type").and_then(Value::as_str);
    (!seccomp_type_allowed(ty)).then(|| ty.unwrap_or("").to_string())
}

fn type_path(sc_path: FieldPath) -> FieldPath {
    sc_path.join_all(&["seccompProfile", "type"])
}

fn check_fields(pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
    if let Some(ty) = disallowed_seccomp_type(pod.security_context()) {
        cx.fail(
            type_path(pod.security_context_path()),
            format!("pod sets seccomp profile type {ty:?}"),
        );
    }
    for c in pod.containers() {
        if let Some(ty) = disallowed_seccomp_type(c.security_context()) {
            cx.fail(
                type_path(c.path.join("securityContext")),
                format!("{} sets seccomp profile type {ty:?}", c.describe()),
            );
        }
    }
}

fn check_annotations(pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
    let Some(annotations) = pod.annotations() else {
        return;
    };
    let judge = |key: String, who: String, cx: &mut CheckContext<'_>| {
        if let Some(value) = annotations.get(&key).map(|v| v.as_str().unwrap_or("")) {
            if !seccomp_annotation_allowed(value) {
                cx.fail(
                    pod.annotations_path().join(key),
                    format!("{who} seccomp annotation sets profile {value:?}"),
                );
            }
        }
    };
    judge(POD_ANNOTATION.to_string(), "pod".to_string(), cx);
    for c in pod.containers() {
        judge(
            format!("{CONTAINER_ANNOTATION_PREFIX}{}", c.name),
            c.describe().to_string(),
            cx,
        );
    }
}
