//! Kubernetes manifests: discovery, reading, YAML/JSON parsing with spans,
//! and splitting documents into resources.

mod discover;
mod kustomize;
mod objects;
mod read;
mod scalar;
mod split;
mod yaml;

pub use discover::{discover, Input};
pub use objects::{resources_from_document, DocumentObjects};
pub use read::{read_input, SourceText};
pub use split::{document_chunks, Chunk};
pub use yaml::{parse_chunk, ParsedDocument};

/// Bounds that keep hostile input from exhausting memory or time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Files larger than this are skipped with an error.
    pub max_file_bytes: u64,
    /// A single YAML document larger than this is rejected unparsed: the
    /// API server refuses objects above ~3 MiB, so anything this size is
    /// not a Kubernetes object.
    pub max_document_bytes: usize,
    /// Nodes per document, counting every node an alias expands to.
    pub max_nodes: usize,
    /// Nesting depth of mappings and sequences.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 1 << 30,
            max_document_bytes: 16 << 20,
            max_nodes: 1_000_000,
            max_depth: 128,
        }
    }
}
