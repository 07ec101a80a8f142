//! Objects that a controller made from another object's template (the
//! ReplicaSets of a Deployment, their Pods, the Jobs of a CronJob) repeat
//! their owner's pod spec. Judging them too would report every problem of
//! a Deployment three times, so an object is skipped when its controlling
//! owner was read. An object whose owner was not read (a kind that could
//! not be listed, an operator's custom resource) is judged: it is then the
//! only place its pod spec can be seen.
//!
//! Collection lists owners before what they own (see
//! [`crate::collect`]), and snapshots keep that order, so the filter works
//! in one pass.

use std::collections::HashSet;

use palisade_core::podspec::POD_BEARING_KINDS;
use serde_json::Value;

/// Remembers the pod-bearing objects seen so far.
#[derive(Debug, Default)]
pub struct OwnedFilter {
    seen: HashSet<String>,
}

impl OwnedFilter {
    /// Whether `object` should be judged. Call for every object, in the
    /// order read.
    pub fn admit(&mut self, object: &Value) -> bool {
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
        if !POD_BEARING_KINDS.contains(&kind) {
            return true;
        }
        let metadata = object.get("metadata");
        if let Some(uid) = metadata.and_then(|m| m.get("uid")).and_then(Value::as_str) {
            // Remembered even when skipped: its own Pods are skipped too.
            self.seen.insert(uid.to_string());
        }
        let controller = metadata
            .and_then(|m| m.get("ownerReferences"))
            .and_then(Value::as_array)
            .and_then(|owners| {
                owners
                    .iter()
                    .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
            });
        let owner_seen = controller
            .and_then(|o| o.get("uid"))
            .and_then(Value::as_str)
            .is_some_and(|uid| self.seen.contains(uid));
        !owner_seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(kind: &str, uid: &str, owner: Option<&str>) -> Value {
        let owners = owner
            .map(|o| json!([{"apiVersion": "apps/v1", "kind": "X", "name": "x", "uid": o, "controller": true}]))
            .unwrap_or(Value::Null);
        json!({"kind": kind, "metadata": {"uid": uid, "ownerReferences": owners}})
    }

    #[test]
    fn skips_what_a_seen_controller_owns_transitively() {
        let mut filter = OwnedFilter::default();
        assert!(filter.admit(&object("Deployment", "d1", None)));
        assert!(!filter.admit(&object("ReplicaSet", "r1", Some("d1"))));
        assert!(!filter.admit(&object("Pod", "p1", Some("r1"))));
        // The owner was never read: the object is the only view of its spec.
        assert!(filter.admit(&object("Pod", "p2", Some("unknown"))));
        // Not pod-bearing: always judged.
        assert!(filter.admit(&object("Service", "s1", Some("d1"))));
    }

    #[test]
    fn a_non_controller_owner_does_not_hide_an_object() {
        let mut filter = OwnedFilter::default();
        filter.admit(&object("Deployment", "d1", None));
        let pod =
            json!({"kind": "Pod", "metadata": {"uid": "p", "ownerReferences": [{"uid": "d1"}]}});
        assert!(filter.admit(&pod));
    }
}
