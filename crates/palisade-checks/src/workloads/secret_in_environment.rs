use palisade_core::{declare_check, CheckContext, PodSpecView, Target};
use serde_json::Value;

declare_check! {
    /// ## What it checks
    /// Secrets passed as environment variables: `env[].valueFrom.secretKeyRef` or
    /// `envFrom[].secretRef`.
    ///
    /// ## Why it matters
    /// Environment variables leak: into crash reports and logs, to child processes, to
    /// anyone who can read `/proc/<pid>/environ` or run `kubectl describe` on a debug
    /// copy. Mounted secret files can be rotated without a restart and are not inherited.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    /// - name: DB_PASSWORD
    ///   valueFrom:
    ///     secretKeyRef: {name: db, key: password}
    /// ```
    pub struct SecretInEnvironment {
        id: "PAL-WL-047",
        slug: "secret-in-environment",
        title: "Secret exposed through environment variables",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Mount the secret as a volume and have the application read the file.",
        references: &["https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for c in pod.containers() {
                for (path, env) in c.list("env") {
                    if let Some(r) = env.get("valueFrom").and_then(|v| v.get("secretKeyRef")) {
                        let var = env.get("name").and_then(Value::as_str).unwrap_or("");
                        let secret = r.get("name").and_then(Value::as_str).unwrap_or("");
                        cx.fail_args(path.join("valueFrom").join("secretKeyRef"), format_args!("{} reads secret {secret:?} into environment variable {var}", c.describe()));
                    }
                }
                for (path, source) in c.list("envFrom") {
                    if let Some(r) = source.get("secretRef") {
                        let secret = r.get("name").and_then(Value::as_str).unwrap_or("");
                        cx.fail_args(path.join("secretRef"), format_args!("{} loads all keys of secret {secret:?} into its environment", c.describe()));
                    }
                }
            }
        }
    }
}
