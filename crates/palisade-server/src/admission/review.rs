//! `AdmissionReview` (`admission.k8s.io/v1`) as the API server sends and
//! expects it. Decoding is strict about what matters (API version, kind,
//! a request with a UID) and lenient about the rest, since newer servers
//! add fields.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Why a body is not an `AdmissionReview` palisade can answer. The HTTP
/// layer answers these with 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got {api_version}/{kind}")]
    WrongKind { api_version: String, kind: String },
    #[error("the AdmissionReview has no request")]
    NoRequest,
    #[error("the request has no uid")]
    NoUid,
    #[error("the request's {0} is not an object")]
    NotAnObject(&'static str),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    kind: String,
    request: Option<AdmissionRequest>,
}

/// The fields of a request that decide the verdict.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionRequest {
    #[serde(default)]
    pub uid: String,
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    #[serde(default)]
    pub operation: String,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sub_resource: Option<String>,
    #[serde(default)]
    pub object: Option<Value>,
    #[serde(default)]
    pub old_object: Option<Value>,
    #[serde(default)]
    pub dry_run: Option<bool>,
    /// The rest is for user policies (`input.review` in Rego, `request`
    /// in CEL): the kind and resource, who asks, and the options.
    #[serde(default)]
    pub kind: Option<Value>,
    #[serde(default)]
    pub resource: Option<Value>,
    #[serde(default)]
    pub user_info: Option<Value>,
    #[serde(default)]
    pub options: Option<Value>,
}

impl AdmissionRequest {
    /// The request as user policies read it, with `object` in place of
    /// the object actually judged.
    pub fn for_policies(&self, object: &Value) -> Value {
        let or_null = |v: &Option<Value>| v.clone().unwrap_or(Value::Null);
        serde_json::json!({
            "uid": self.uid,
            "kind": or_null(&self.kind),
            "resource": or_null(&self.resource),
            "subResource": self.sub_resource,
            "name": self.name,
            "namespace": self.namespace,
            "operation": self.operation,
            "userInfo": self.user_info.clone().unwrap_or_else(|| serde_json::json!({})),
            "object": object,
            "oldObject": or_null(&self.old_object),
            "dryRun": self.dry_run.unwrap_or(false),
            "options": or_null(&self.options),
        })
    }
}

impl AdmissionRequest {
    /// Decodes and checks a request body.
    pub fn decode(body: &[u8]) -> Result<AdmissionRequest, ReviewError> {
        let envelope: Envelope =
            serde_json::from_slice(body).map_err(|e| ReviewError::NotJson(e.to_string()))?;
        if envelope.api_version != "admission.k8s.io/v1" || envelope.kind != "AdmissionReview" {
            return Err(ReviewError::WrongKind {
                api_version: envelope.api_version,
                kind: envelope.kind,
            });
        }
        let request = envelope.request.ok_or(ReviewError::NoRequest)?;
        if request.uid.is_empty() {
            return Err(ReviewError::NoUid);
        }
        for (name, value) in [
            ("object", &request.object),
            ("oldObject", &request.old_object),
        ] {
            if value
                .as_ref()
                .is_some_and(|v| !v.is_object() && !v.is_null())
            {
                return Err(ReviewError::NotAnObject(name));
            }
        }
        Ok(request)
    }
}

/// The verdict, in the shape the API server reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionResponse {
    pub uid: String,
    pub allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub audit_annotations: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub code: u16,
    pub message: String,
}

impl AdmissionResponse {
    /// The whole `AdmissionReview` document to send back.
    pub fn to_review(&self) -> Value {
        serde_json::json!({
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "response": self,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_that_are_not_reviews_are_refused_with_a_reason() {
        assert!(matches!(
            AdmissionRequest::decode(b"{"),
            Err(ReviewError::NotJson(_))
        ));
        assert!(matches!(
            AdmissionRequest::decode(
                br#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"}"#
            ),
            Err(ReviewError::WrongKind { .. })
        ));
        assert_eq!(
            AdmissionRequest::decode(
                br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#
            )
            .unwrap_err(),
            ReviewError::NoRequest
        );
        assert_eq!(
            AdmissionRequest::decode(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}"#).unwrap_err(),
            ReviewError::NoUid
        );
        assert_eq!(
            AdmissionRequest::decode(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","object":[1]}}"#).unwrap_err(),
            ReviewError::NotAnObject("object")
        );
    }
}
