//! The inputs of policies, built once per object and thread and shared by
//! every policy that judges the object: converting a Deployment for Rego or
//! CEL costs more than evaluating most rules.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use cel_lang as cel;
use palisade_core::{Resource, ResourceId};
use serde_json::Value;

#[derive(Default)]
struct Cache {
    /// The object the entries below belong to. Holding its identity keeps
    /// that allocation alive, so another object can never share the key.
    key: Option<Arc<ResourceId>>,
    review: Option<Arc<Value>>,
    rego_object: Option<regorus::Value>,
    rego_review: Option<regorus::Value>,
    cel: Option<CelInputs>,
}

/// `object`, `oldObject` and `request` as CEL sees them.
#[derive(Clone)]
pub struct CelInputs {
    pub object: cel::Value,
    pub old_object: cel::Value,
    pub request: cel::Value,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// The object being judged and its inputs, built on first use.
pub struct Prepared<'a> {
    object: &'a Value,
    cache: &'a mut Cache,
}

/// Drops the inputs kept for the last object.
pub fn forget_prepared() {
    CACHE.with(|cache| {
        if let Ok(mut cache) = cache.try_borrow_mut() {
            *cache = Cache::default();
        }
    });
}

/// Runs `f` with the inputs of `resource`, reusing those built for it by
/// the policies before.
pub fn with_prepared<R>(resource: &Resource, f: impl FnOnce(&mut Prepared<'_>) -> R) -> R {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache
            .key
            .as_ref()
            .is_some_and(|key| Arc::ptr_eq(key, &resource.id))
        {
            *cache = Cache {
                key: Some(Arc::clone(&resource.id)),
                ..Cache::default()
            };
        }
        f(&mut Prepared {
            object: &resource.value,
            cache: &mut cache,
        })
    })
}

impl Prepared<'_> {
    /// The admission request (a synthetic CREATE in a scan).
    pub fn review(&mut self) -> &Value {
        let object = self.object;
        self.cache
            .review
            .get_or_insert_with(|| crate::request::current_for(object))
    }

    pub fn rego_object(&mut self) -> &regorus::Value {
        let object = self.object;
        self.cache
            .rego_object
            .get_or_insert_with(|| regorus_value(object))
    }

    pub fn rego_review(&mut self) -> &regorus::Value {
        if self.cache.rego_review.is_none() {
            // The object is converted once, for both forms.
            let object = self.rego_object().clone();
            let mut review = regorus::Value::new_object();
            if let (Value::Object(fields), Ok(map)) = (self.review(), review.as_object_mut()) {
                for (key, value) in fields {
                    let converted = if key == "object" {
                        object.clone()
                    } else {
                        regorus_value(value)
                    };
                    map.insert(regorus::Value::from(key.as_str()), converted);
                }
            }
            self.cache.rego_review = Some(review);
        }
        self.cache
            .rego_review
            .get_or_insert_with(regorus::Value::new_object)
    }

    pub fn cel(&mut self) -> &CelInputs {
        if self.cache.cel.is_none() {
            let object = cel_value(self.object);
            let review = self.review();
            let old_object = review.get("oldObject").map_or(cel::Value::Null, cel_value);
            let request = match review {
                Value::Object(map) => cel::Value::Map(cel::objects::Map {
                    map: Arc::new(
                        map.iter()
                            .filter(|(k, _)| *k != "object" && *k != "oldObject")
                            .map(|(k, v)| (key(k), cel_value(v)))
                            .collect(),
                    ),
                }),
                _ => cel::Value::Null,
            };
            self.cache.cel = Some(CelInputs {
                object,
                old_object,
                request,
            });
        }
        self.cache.cel.get_or_insert_with(|| CelInputs {
            object: cel::Value::Null,
            old_object: cel::Value::Null,
            request: cel::Value::Null,
        })
    }
}

/// JSON as Rego sees it. Built directly rather than through serde: maps
/// arrive sorted and are collected in bulk, which is several times cheaper
/// than a visitor inserting key by key.
fn regorus_value(value: &Value) -> regorus::Value {
    match value {
        Value::Null => regorus::Value::Null,
        Value::Bool(b) => regorus::Value::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => regorus::Value::from(i),
            (None, Some(u), _) => regorus::Value::from(u),
            (None, None, Some(f)) => regorus::Value::from(f),
            (None, None, None) => regorus::Value::Undefined,
        },
        Value::String(s) => regorus::Value::from(s.as_str()),
        Value::Array(items) => {
            regorus::Value::from(items.iter().map(regorus_value).collect::<Vec<_>>())
        }
        Value::Object(map) => regorus::Value::from(
            map.iter()
                .map(|(k, v)| (regorus::Value::from(k.as_str()), regorus_value(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

fn key(text: &str) -> cel::objects::Key {
    cel::objects::Key::String(Arc::new(text.to_string()))
}

/// JSON as Kubernetes' CEL sees it: integers are `int` (so that
/// `object.spec.replicas == 3` holds), map keys are kept as written.
pub fn cel_value(value: &Value) -> cel::Value {
    match value {
        Value::Null => cel::Value::Null,
        Value::Bool(b) => cel::Value::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => cel::Value::Int(i),
            (None, Some(u)) => cel::Value::UInt(u),
            _ => cel::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => cel::Value::String(Arc::new(s.clone())),
        Value::Array(items) => cel::Value::List(Arc::new(items.iter().map(cel_value).collect())),
        Value::Object(map) => cel::Value::Map(cel::objects::Map {
            map: Arc::new(
                map.iter()
                    .map(|(k, v)| (key(k), cel_value(v)))
                    .collect::<HashMap<_, _>>(),
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::regorus_value;

    #[test]
    fn rego_values_are_what_regorus_itself_would_read() {
        let json = serde_json::json!({
            "z": [1, -2, 18446744073709551615u64, 2.5, -0.0, 1e300, null, true],
            "a": {"ünï": "cödé", "": {}, "nested": [[], [{"k": "v"}]]},
            "m": "multi\nline"
        });
        assert_eq!(regorus_value(&json), regorus::Value::from(json.clone()));
    }
}
