//! A Kubernetes object as the scanner sees it: its JSON value and where it
//! came from.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::path::FieldPath;
use crate::span::{Pos, SpanIndex};

/// The identity of an object, as printed in every finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceId {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{}/{}", self.kind, ns, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// Where an object's fields are in their source.
#[derive(Debug, Clone)]
pub struct SourceRef {
    /// The file as given on the command line (or `<stdin>`).
    pub file: Arc<str>,
    /// Positions of every node of the document the object came from.
    pub spans: Arc<SpanIndex>,
    /// The path hash of the object's root inside that document: the
    /// document root, or `items[i]` for a member of a `List`.
    pub base: u64,
    /// The position of the object itself.
    pub pos: Pos,
}

impl SourceRef {
    /// The position of a field of this object (or of its nearest ancestor
    /// present in the source).
    pub fn locate(&self, path: &FieldPath) -> Pos {
        self.spans.locate(self.base, path).unwrap_or(self.pos)
    }
}

/// One Kubernetes object.
#[derive(Debug, Clone)]
pub struct Resource {
    pub id: Arc<ResourceId>,
    pub value: Value,
    pub source: SourceRef,
}

impl Resource {
    /// Builds a resource from an object value; `None` when the value is not
    /// a Kubernetes object (no `apiVersion` and `kind` strings).
    pub fn from_value(value: Value, source: SourceRef) -> Result<Resource, NotAnObject> {
        let id = identify(&value)?;
        Ok(Resource {
            id: Arc::new(id),
            value,
            source,
        })
    }

    pub fn kind(&self) -> &str {
        &self.id.kind
    }

    pub fn metadata(&self) -> Option<&Map<String, Value>> {
        self.value.get("metadata").and_then(Value::as_object)
    }

    pub fn annotations(&self) -> Option<&Map<String, Value>> {
        self.metadata()
            .and_then(|m| m.get("annotations"))
            .and_then(Value::as_object)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations()
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
    }
}

/// Why a document is not treated as a Kubernetes object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAnObject {
    #[error("document is not a mapping")]
    NotAMapping,
    #[error("document has no `apiVersion` string")]
    MissingApiVersion,
    #[error("document has no `kind` string")]
    MissingKind,
}

fn identify(value: &Value) -> Result<ResourceId, NotAnObject> {
    let object = value.as_object().ok_or(NotAnObject::NotAMapping)?;
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or(NotAnObject::MissingApiVersion)?;
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or(NotAnObject::MissingKind)?;
    let metadata = object.get("metadata");
    let text = |key: &str| {
        metadata
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let name = text("name")
        .map(str::to_string)
        .or_else(|| text("generateName").map(|g| format!("{g}*")))
        .unwrap_or_else(|| "<unnamed>".to_string());
    Ok(ResourceId {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        namespace: text("namespace").map(str::to_string),
        name,
    })
}
