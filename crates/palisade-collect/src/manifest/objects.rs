//! From parsed documents to resources: plain objects, and the members of
//! `List` kinds such as the output of `kubectl get -A -o yaml`.

use std::sync::Arc;

use palisade_core::podspec::pod_template_paths;
use palisade_core::resource::NotAnObject;
use palisade_core::span::{hash_index, hash_key, ROOT_HASH};
use palisade_core::{FieldPath, InputError, Pos, Resource, SourceRef, SpanIndex};
use serde_json::Value;

use super::yaml::ParsedDocument;

/// What one document holds.
#[derive(Debug, Default)]
pub struct DocumentObjects {
    pub resources: Vec<Resource>,
    /// Documents that are valid YAML but not Kubernetes objects, and other
    /// things worth saying that do not invalidate the scan.
    pub warnings: Vec<InputError>,
}

/// Splits a document into resources. Empty documents yield nothing.
pub fn resources_from_document(file: &Arc<str>, doc: ParsedDocument) -> DocumentObjects {
    let mut out = DocumentObjects::default();
    for (pos, message) in doc.warnings {
        out.warnings
            .push(InputError::new(file.to_string(), Some(pos), message));
    }
    let spans = Arc::new(doc.spans);
    let is_list = doc
        .value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && doc.value.get("items").is_some_and(Value::is_array);
    match doc.value {
        Value::Null => {}
        Value::Object(mut map) if is_list => {
            let items_hash = hash_key(ROOT_HASH, "items");
            let items = match map.remove("items") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            for (i, item) in items.into_iter().enumerate() {
                let base = hash_index(items_hash, i);
                let pos = spans.get(base).unwrap_or(doc.pos);
                add(file, &spans, base, pos, item, &mut out);
            }
        }
        value => add(file, &spans, ROOT_HASH, doc.pos, value, &mut out),
    }
    out
}

fn add(
    file: &Arc<str>,
    spans: &Arc<SpanIndex>,
    base: u64,
    pos: Pos,
    value: Value,
    out: &mut DocumentObjects,
) {
    let source = SourceRef {
        file: file.clone(),
        spans: spans.clone(),
        base,
        pos,
    };
    match Resource::from_value(value, source) {
        Ok(resource) => {
            if let Some(warning) = unknown_pod_bearing(&resource) {
                out.warnings.push(warning);
            }
            out.resources.push(resource);
        }
        Err(reason) => {
            let what = match reason {
                NotAnObject::NotAMapping => "document is not a mapping".to_string(),
                other => other.to_string(),
            };
            out.warnings.push(InputError::new(
                file.to_string(),
                Some(pos),
                format!("not a Kubernetes object ({what}); skipped"),
            ));
        }
    }
}

/// A kind palisade does not know that nevertheless carries a pod template
/// at a well-known place: most often a typo (`Deploymnet`), sometimes a
/// custom resource. Either way its pods are not checked, and users should
/// know.
fn unknown_pod_bearing(resource: &Resource) -> Option<InputError> {
    if pod_template_paths(resource.kind()).is_some() {
        return None;
    }
    let carries = ["spec.template.spec.containers", "spec.containers"]
        .iter()
        .any(|p| {
            p.split('.')
                .try_fold(&resource.value, |v, k| v.get(k))
                .is_some_and(Value::is_array)
        });
    carries.then(|| {
        InputError::new(
            resource.source.file.to_string(),
            Some(resource.source.locate(&FieldPath::root().join("kind"))),
            format!(
                "kind `{}` carries a pod template but is not a known pod-bearing kind; its containers were not checked",
                resource.kind()
            ),
        )
    })
}
