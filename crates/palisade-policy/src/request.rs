//! The admission request a policy is judged under. A scan has none: its
//! objects are judged as if they were being created, so a policy gives
//! the same verdict in `palisade scan` and at admission.

use std::cell::RefCell;
use std::sync::Arc;

use serde_json::{json, Map, Value};

thread_local! {
    // Shared, not copied, with the inputs of the objects judged under it.
    static CURRENT: RefCell<Option<Arc<Value>>> = const { RefCell::new(None) };
}

/// Runs `f` with `request` (an `AdmissionRequest`, `object` and
/// `oldObject` included) as the request of the objects judged inside.
pub fn with_request<R>(request: Value, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<Value>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
    let previous = CURRENT.with(|c| c.borrow_mut().replace(Arc::new(request)));
    let _restore = Restore(previous);
    f()
}

/// The request judging `object`: the one set by [`with_request`] when its
/// object is this one, or a CREATE of `object`.
pub(crate) fn current_for(object: &Value) -> Arc<Value> {
    let set = CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|r| r.get("object") == Some(object))
            .cloned()
    });
    set.unwrap_or_else(|| Arc::new(synthetic_create(object)))
}

/// What the API server would send when `object` is created.
fn synthetic_create(object: &Value) -> Value {
    let text = |pointer: &str| {
        object
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let api_version = text("/apiVersion");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let mut request = Map::new();
    request.insert("uid".into(), json!(""));
    request.insert(
        "kind".into(),
        json!({"group": group, "version": version, "kind": text("/kind")}),
    );
    request.insert("name".into(), json!(text("/metadata/name")));
    if let Some(ns) = object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
    {
        request.insert("namespace".into(), json!(ns));
    }
    request.insert("operation".into(), json!("CREATE"));
    request.insert("userInfo".into(), json!({}));
    request.insert("object".into(), object.clone());
    request.insert("oldObject".into(), Value::Null);
    request.insert("dryRun".into(), json!(false));
    Value::Object(request)
}
