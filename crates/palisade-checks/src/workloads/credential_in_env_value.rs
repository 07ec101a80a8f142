use palisade_core::{declare_check, CheckContext, PodSpecView, Target};
use serde_json::Value;

use crate::helpers::credentials::classify;

declare_check! {
    /// ## What it checks
    /// Literal credentials in `env[].value`: well-known formats (cloud access keys,
    /// private-key blocks, GitHub, Slack, Google and Stripe tokens, JWTs, URLs with a
    /// password), values of variables named like a secret (`*PASSWORD*`, `*TOKEN*`,
    /// `*API_KEY*`, ...) that are literals rather than references, and long
    /// high-entropy strings. Values are never printed: findings show a redacted form.
    ///
    /// ## Why it matters
    /// A credential in a manifest is in Git history, in CI logs, in `kubectl get -o
    /// yaml` output and in the `last-applied-configuration` annotation, readable by
    /// anyone who can read the workload.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    /// - name: DB_PASSWORD
    ///   value: s3cr3t-passw0rd
    /// ```
    pub struct CredentialInEnvValue {
        id: "PAL-WL-048",
        slug: "credential-in-env-value",
        title: "Literal credential in an environment variable",
        severity: High,
        target: Target::PodSpec,
        remediation: "Move the value into a Secret (mounted as a file), rotate the exposed credential, and purge it from Git history.",
        references: &["https://kubernetes.io/docs/concepts/configuration/secret/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            for c in pod.containers() {
                for (path, env) in c.list("env") {
                    let name = env.get("name").and_then(Value::as_str).unwrap_or("");
                    let Some(value) = env.get("value").and_then(Value::as_str) else { continue };
                    if let Some(credential) = classify(name, value) {
                        cx.fail_args(path.join("value"), format_args!("{} sets {name} to a literal {} {}", c.describe(), credential.kind, credential.redacted(value)));
                    }
                }
            }
        }
    }
}
