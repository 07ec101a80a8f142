//! Configuration files are YAML (or JSON, which YAML reads too), parsed by
//! the same bounded parser as manifests, so a hostile file costs the same
//! as anywhere else and errors carry line numbers.

use std::sync::Arc;

use palisade_collect::manifest::{document_chunks, parse_chunk, resources_from_document, Limits};
use palisade_core::Resource;
use serde_json::Value;

/// The first non-empty document of `text`, or where it failed to parse.
pub fn parse_document(path: &str, text: &str) -> Result<Value, String> {
    let limits = Limits::default();
    for chunk in document_chunks(text) {
        for document in parse_chunk(path, chunk, &limits) {
            match document {
                Ok(doc) if doc.value.is_null() => continue,
                Ok(doc) => return Ok(doc.value),
                Err(error) => return Err(error.to_string()),
            }
        }
    }
    Err(format!("{path}: no YAML document"))
}

/// Every object of `text` with its source positions, for judgements that
/// point at a line (audit policy, encryption configuration).
pub fn parse_objects(path: &str, text: &str) -> Result<Vec<Resource>, String> {
    let limits = Limits::default();
    let file: Arc<str> = Arc::from(path);
    let mut out = Vec::new();
    for chunk in document_chunks(text) {
        for document in parse_chunk(path, chunk, &limits) {
            let document = document.map_err(|e| e.to_string())?;
            if document.value.is_null() {
                continue;
            }
            out.extend(resources_from_document(&file, document).resources);
        }
    }
    if out.is_empty() {
        return Err(format!("{path}: no object with apiVersion and kind"));
    }
    Ok(out)
}
