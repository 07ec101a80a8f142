//! Inputs of a scan. `manifest` turns files, directories, stdin and
//! Kustomize directories into [`palisade_core::Resource`]s that remember
//! the line and column of every field.
#![forbid(unsafe_code)]

pub mod manifest;

pub use manifest::{
    discover, document_chunks, parse_chunk, read_input, resources_from_document, Chunk,
    DocumentObjects, Input, Limits, ParsedDocument, SourceText,
};
