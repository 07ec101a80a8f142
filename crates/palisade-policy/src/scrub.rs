//! Secret values never reach a report. A built-in check is written not to
//! quote them; a user policy may quote whatever it reads, so what it says
//! about a Secret is scrubbed of the Secret's values before it is filed.

use palisade_core::redact::redact;
use palisade_core::Resource;
use serde_json::Value;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Values this short are replaced only where they stand alone: a
/// two-letter secret must not garble every word that contains its letters.
const SHORT: usize = 4;

/// The values one object's findings must not contain.
pub struct Scrubber {
    /// Longest first, so a value is never half-replaced by a shorter one
    /// it contains.
    values: Vec<String>,
}

impl Scrubber {
    /// The scrubber for `object`: `None` unless it is a Secret with values.
    pub fn for_object(object: &Resource) -> Option<Scrubber> {
        if object.kind() != "Secret" {
            return None;
        }
        let mut values = Vec::new();
        collect(&object.value, &mut values);
        // The annotation kubectl writes repeats the values, JSON-escaped.
        if let Some(Value::String(text)) = object
            .value
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(LAST_APPLIED))
        {
            if let Ok(applied) = serde_json::from_str::<Value>(text) {
                collect(&applied, &mut values);
            }
        }
        values.retain(|v| !v.is_empty());
        if values.is_empty() {
            return None;
        }
        values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        values.dedup();
        Some(Scrubber { values })
    }

    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_string();
        for value in &self.values {
            text = if value.chars().count() >= SHORT {
                text.replace(value.as_str(), &redact(value))
            } else {
                replace_standalone(&text, value)
            };
        }
        text
    }
}

/// Every value of `data` (as written, and decoded when it is text) and of
/// `stringData`, with their JSON-escaped forms where those differ.
fn collect(secret: &Value, out: &mut Vec<String>) {
    let mut push = |value: String| {
        let escaped = serde_json::to_string(&value).unwrap_or_default();
        let escaped = escaped[1..escaped.len().saturating_sub(1).max(1)].to_string();
        if escaped != value {
            out.push(escaped);
        }
        out.push(value);
    };
    if let Some(data) = secret.get("data").and_then(Value::as_object) {
        for value in data.values().filter_map(Value::as_str) {
            if let Ok(bytes) = data_encoding::BASE64.decode(value.trim().as_bytes()) {
                if let Ok(decoded) = String::from_utf8(bytes) {
                    push(decoded);
                }
            }
            push(value.to_string());
        }
    }
    if let Some(data) = secret.get("stringData").and_then(Value::as_object) {
        for value in data.values().filter_map(Value::as_str) {
            push(value.to_string());
        }
    }
}

/// Replaces `value` where no letter or digit touches it on either side.
fn replace_standalone(text: &str, value: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(value) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + value.len()..].chars().next();
        let alone =
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..at]);
        if alone {
            out.push_str(&redact(value));
        } else {
            out.push_str(value);
        }
        rest = &rest[at + value.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secret(value: Value) -> Resource {
        let source = palisade_core::SourceRef {
            file: "test.yaml".into(),
            spans: Default::default(),
            base: palisade_core::span::ROOT_HASH,
            pos: Default::default(),
        };
        Resource::from_value(value, source).unwrap()
    }

    #[test]
    fn values_are_redacted_in_every_form() {
        let object = secret(json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db", "annotations": {LAST_APPLIED: "{\"stringData\":{\"pem\":\"line1\\nline2\"}}"}},
            // "hunter2-password"
            "data": {"password": "aHVudGVyMi1wYXNzd29yZA==", "pin": "MTI="},
            "stringData": {"token": "s3cr3t-token", "pem": "line1\nline2"}
        }));
        let scrubber = Scrubber::for_object(&object).unwrap();
        let said = scrubber.scrub(
            "password hunter2-password (aHVudGVyMi1wYXNzd29yZA==), token s3cr3t-token, pin 12 in 123, pem line1\\nline2",
        );
        for leaked in ["hunter2", "aHVudGVy", "s3cr3t", "line1"] {
            assert!(!said.contains(leaked), "{said}");
        }
        assert!(said.contains("pin [REDACTED 2 chars] in 123"), "{said}");
        assert!(said.contains("password [REDACTED 16 chars]"), "{said}");
    }

    #[test]
    fn other_objects_are_left_alone() {
        let pod = secret(json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "value"}}));
        assert!(Scrubber::for_object(&pod).is_none());
    }
}
