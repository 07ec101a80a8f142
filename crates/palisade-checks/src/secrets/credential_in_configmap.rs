use palisade_core::{declare_check, CheckContext, FieldPath, Resource, Target};
use serde_json::Value;

use crate::helpers::credentials::{classify, Credential};

/// The first credential set in a configuration file held by a key
/// (`db.password=...`, `password: ...`, `API_TOKEN=...`): its line number,
/// setting name, value and kind.
fn credential_in_file(text: &str) -> Option<(usize, &str, &str, Credential)> {
    if !text.contains('\n') {
        return None;
    }
    text.lines().enumerate().find_map(|(i, line)| {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with("//") {
            return None;
        }
        let (name, value) = line.split_once('=').or_else(|| line.split_once(": "))?;
        let name = name.trim().trim_start_matches("export ").trim();
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        if name.is_empty()
            || name.contains(' ')
            || value.is_empty()
            || value.starts_with(['[', '{'])
        {
            return None;
        }
        // `credentialsSecret: jaeger-creds` names a Secret object rather
        // than holding one.
        let names_object = value.contains('-')
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if names_object && name.to_ascii_lowercase().ends_with("secret") {
            return None;
        }
        classify(name, value).map(|c| (i + 1, name, value, c))
    })
}

declare_check! {
    /// ## What it checks
    /// ConfigMap `data` values that are credentials: well-known formats (cloud access
    /// keys, private-key blocks, GitHub, Slack, Google and Stripe tokens, JWTs, URLs with
    /// a password), values of keys named like a secret (`password`, `*_TOKEN`, `api-key`,
    /// ...) that are literals rather than references, and long high-entropy strings. In
    /// values holding a configuration file, each `name=value` or `name: value` line is
    /// judged the same way. Values are shown redacted.
    ///
    /// ## Why it matters
    /// ConfigMaps are not meant for secrets: they are readable by every role that can
    /// view the namespace (the built-in `view` role cannot read Secrets but can read
    /// ConfigMaps), printed by debugging tools, and never encrypted at rest.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ConfigMap
    /// data:
    ///   DB_PASSWORD: s3cr3t-passw0rd
    /// ```
    pub struct CredentialInConfigmap {
        id: "PAL-SEC-002",
        slug: "credential-in-configmap",
        title: "ConfigMap holds a credential",
        severity: High,
        target: Target::Object(&["ConfigMap"]),
        remediation: "Move the value into a Secret (or an external secret store) and rotate it.",
        references: &["https://kubernetes.io/docs/concepts/configuration/secret/", "https://kubernetes.io/docs/concepts/security/secrets-good-practices/"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
            let Some(data) = object.value.get("data").and_then(Value::as_object) else { return };
            for (key, value) in data {
                let Some(text) = value.as_str() else { continue };
                let path = FieldPath::root().join("data").join(key.clone());
                if let Some(credential) = classify(key, text) {
                    cx.fail(path, format!("key {key:?} holds a credential: {} {}", credential.kind, credential.redacted(text)));
                } else if let Some((line, setting, value, credential)) = credential_in_file(text) {
                    cx.fail(path, format!("key {key:?} holds a credential on line {line}, setting {setting:?}: {} {}", credential.kind, credential.redacted(value)));
                }
            }
        }
    }
}
