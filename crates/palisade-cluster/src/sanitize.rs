//! What happens to every object read from a cluster before anything else
//! sees it: bookkeeping the checks never read is dropped, and Secret values
//! are replaced by their redacted form, so that no clear value is held,
//! written to a snapshot or printed.

use palisade_core::redact::redact;
use serde_json::{Map, Value};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Prepares one listed item: gives it the `apiVersion` and `kind` that list
/// responses leave out, drops `metadata.managedFields`, and redacts Secret
/// values.
pub fn ingest(mut object: Value, api_version: &str, kind: &str) -> Value {
    if let Some(map) = object.as_object_mut() {
        if !map.contains_key("apiVersion") {
            map.insert("apiVersion".into(), Value::String(api_version.into()));
        }
        if !map.contains_key("kind") {
            map.insert("kind".into(), Value::String(kind.into()));
        }
        if let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.remove("managedFields");
        }
    }
    if kind == "Secret" {
        redact_secret(&mut object);
    }
    object
}

/// Replaces every value of `data` and `stringData` by `[REDACTED n chars]`
/// (empty values stay empty, so checks still tell them apart), and does the
/// same inside a `last-applied-configuration` annotation, which repeats
/// them.
pub fn redact_secret(secret: &mut Value) {
    let Some(map) = secret.as_object_mut() else {
        return;
    };
    redact_values(map);
    let annotation = map
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(|a| a.get_mut(LAST_APPLIED));
    if let Some(Value::String(text)) = annotation {
        *text = match serde_json::from_str::<Value>(text) {
            Ok(mut applied) => {
                if let Some(applied_map) = applied.as_object_mut() {
                    redact_values(applied_map);
                }
                applied.to_string()
            }
            // Not JSON: nothing can be told apart in it, so none of it is
            // kept.
            Err(_) => redact(text),
        };
    }
}

fn redact_values(map: &mut Map<String, Value>) {
    for field in ["data", "stringData"] {
        let Some(values) = map.get_mut(field).and_then(Value::as_object_mut) else {
            continue;
        };
        for value in values.values_mut() {
            if let Value::String(text) = value {
                if !text.is_empty() {
                    *text = redact(text);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_items_get_their_type_and_lose_managed_fields() {
        let item = json!({"metadata": {"name": "a", "managedFields": [{"manager": "kubectl"}]}});
        let object = ingest(item, "apps/v1", "Deployment");
        assert_eq!(object["apiVersion"], "apps/v1");
        assert_eq!(object["kind"], "Deployment");
        assert!(object["metadata"].get("managedFields").is_none());
    }

    #[test]
    fn secret_values_never_survive_ingest() {
        let applied =
            json!({"apiVersion": "v1", "kind": "Secret", "data": {"password": "aHVudGVyMg=="}});
        let item = json!({
            "metadata": {"name": "db", "annotations": {LAST_APPLIED: applied.to_string()}},
            "data": {"password": "aHVudGVyMg==", "empty": ""},
            "stringData": {"token": "s3cr3t"},
        });
        let object = ingest(item, "v1", "Secret");
        let text = object.to_string();
        assert!(!text.contains("aHVudGVyMg=="), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert_eq!(object["data"]["password"], "[REDACTED 12 chars]");
        assert_eq!(object["data"]["empty"], "");
        let applied: Value = serde_json::from_str(
            object["metadata"]["annotations"][LAST_APPLIED]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(applied["data"]["password"], "[REDACTED 12 chars]");
    }

    #[test]
    fn an_unreadable_last_applied_secret_is_redacted_whole() {
        let item = json!({"metadata": {"annotations": {LAST_APPLIED: "password=hunter2"}}});
        let object = ingest(item, "v1", "Secret");
        assert_eq!(
            object["metadata"]["annotations"][LAST_APPLIED],
            "[REDACTED 16 chars]"
        );
    }
}
