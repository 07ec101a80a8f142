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
    let cx = Expansion {
        file,
        spans: &spans,
    };
    cx.expand(doc.value, ROOT_HASH, doc.pos, None, &mut out);
    out
}

struct Expansion<'a> {
    file: &'a Arc<str>,
    spans: &'a Arc<SpanIndex>,
}

impl Expansion<'_> {
    fn pos(&self, base: u64, fallback: Pos) -> Pos {
        self.spans.get(base).unwrap_or(fallback)
    }

    /// Adds the objects of `value`: itself, the items of a `*List` (nested
    /// lists too), or the elements of a bare array (`jq '.items'` output).
    /// List items without `apiVersion` and `kind` (API list responses)
    /// take them from the list: `kind: PodList` holds Pods.
    fn expand(
        &self,
        value: Value,
        base: u64,
        pos: Pos,
        inherited: Option<(&Value, &str)>,
        out: &mut DocumentObjects,
    ) {
        match value {
            Value::Null => {}
            Value::Array(items) => {
                let holds_objects = items.iter().any(|item| item.get("kind").is_some());
                if !holds_objects {
                    out.warnings.push(InputError::new(
                        self.file.to_string(),
                        Some(pos),
                        "not a Kubernetes object (a sequence holding no objects); skipped",
                    ));
                    return;
                }
                for (i, item) in items.into_iter().enumerate() {
                    let item_base = hash_index(base, i);
                    self.expand(item, item_base, self.pos(item_base, pos), None, out);
                }
            }
            Value::Object(mut map) => {
                if let Some((api_version, kind)) = inherited {
                    map.entry("apiVersion")
                        .or_insert_with(|| api_version.clone());
                    map.entry("kind")
                        .or_insert_with(|| Value::String(kind.to_string()));
                }
                let list_kind = map
                    .get("kind")
                    .and_then(Value::as_str)
                    .filter(|k| k.ends_with("List") && map.contains_key("items"))
                    .map(str::to_string);
                let Some(list_kind) = list_kind else {
                    add(self.file, self.spans, base, pos, Value::Object(map), out);
                    return;
                };
                let items_base = hash_key(base, "items");
                match map.remove("items") {
                    Some(Value::Array(items)) => {
                        let api_version = map.get("apiVersion").cloned().unwrap_or(Value::Null);
                        let member = list_kind.strip_suffix("List").unwrap_or("");
                        let inherit = (!member.is_empty()).then_some((&api_version, member));
                        for (i, item) in items.into_iter().enumerate() {
                            let item_base = hash_index(items_base, i);
                            self.expand(item, item_base, self.pos(item_base, pos), inherit, out);
                        }
                    }
                    Some(Value::Null) | None => {}
                    Some(_) => out.warnings.push(InputError::new(
                        self.file.to_string(),
                        Some(self.pos(items_base, pos)),
                        format!("`kind: {list_kind}` whose `items` is not a list; nothing in it was scanned"),
                    )),
                }
            }
            other => add(self.file, self.spans, base, pos, other, out),
        }
    }
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
            if let Some(warning) =
                unknown_pod_bearing(&resource).or_else(|| missing_pod_spec(&resource))
            {
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

/// A pod-bearing kind whose pod spec is absent or not a mapping: the API
/// server would reject it, and none of its containers can be checked.
fn missing_pod_spec(resource: &Resource) -> Option<InputError> {
    let (spec_keys, _) = pod_template_paths(resource.kind())?;
    let spec = spec_keys.iter().try_fold(&resource.value, |v, k| v.get(*k));
    if spec.is_some_and(Value::is_object) {
        return None;
    }
    Some(InputError::new(
        resource.source.file.to_string(),
        Some(resource.source.pos),
        format!(
            "{} {:?} has no pod spec at `{}` (missing or not a mapping); its containers were not checked",
            resource.kind(),
            resource.id.name,
            spec_keys.join(".")
        ),
    ))
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
                "kind `{}` carries a pod spec but is not a known pod-bearing kind; its containers were not checked",
                resource.kind()
            ),
        )
    })
}
