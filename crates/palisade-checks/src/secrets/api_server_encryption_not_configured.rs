use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};
use serde_json::Value;

const FLAG: &str = "--encryption-provider-config";

declare_check! {
    /// ## What it checks
    /// Pods that run `kube-apiserver` (static control-plane pods: the first element of
    /// the container's `command`, or of `args` without a command, ends in `kube-apiserver`)
    /// without the `--encryption-provider-config` flag.
    ///
    /// ## Why it matters
    /// Without an encryption provider configuration the API server writes every Secret to
    /// etcd in clear text.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - command:
    ///   - kube-apiserver
    ///   - --encryption-provider-config=/etc/kubernetes/enc/config.yaml
    /// ```
    pub struct ApiServerEncryptionNotConfigured {
        id: "PAL-SEC-008",
        slug: "api-server-encryption-not-configured",
        title: "API server runs without encryption at rest",
        severity: High,
        target: Target::Object(&["Pod"]),
        remediation: "Write an EncryptionConfiguration (KMS v2 preferably), pass it with `--encryption-provider-config`, and re-write all Secrets.",
        references: &["https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            let Some(containers) = object.value.pointer("/spec/containers").and_then(Value::as_array) else { return };
            for (i, container) in containers.iter().enumerate() {
                let list = |key: &str| -> Vec<&str> {
                    container.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
                };
                let (command, args) = (list("command"), list("args"));
                let program = command.first().or(args.first()).copied().unwrap_or("");
                if !program.ends_with("kube-apiserver") {
                    continue;
                }
                let configured = command.iter().chain(args.iter()).any(|a| *a == FLAG || a.strip_prefix(FLAG).is_some_and(|rest| rest.starts_with('=')));
                if !configured {
                    let field = if command.is_empty() { "args" } else { "command" };
                    cx.fail(FieldPath::root().join("spec").join("containers").join(i).join(field), "kube-apiserver runs without --encryption-provider-config: Secrets are stored in clear text");
                }
            }
        }
    }
}
