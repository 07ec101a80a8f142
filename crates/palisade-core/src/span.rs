//! Source positions of the fields of a parsed document.
//!
//! Every node's position is recorded under a 64-bit hash of its field path,
//! computed incrementally while parsing (the hash of a child derives from
//! its parent's), so that building the index costs one push per node and a
//! finding's path is resolved with a binary search. A hash collision would
//! only ever misplace a line number; it cannot change a verdict.

use crate::path::{FieldPath, Segment};

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }
}

/// The hash of the root path.
pub const ROOT_HASH: u64 = 0x9e37_79b9_7f4a_7c15;

fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The hash of `parent.key`.
pub fn hash_key(parent: u64, key: &str) -> u64 {
    let mut h = parent ^ 0xcbf2_9ce4_8422_2325;
    for &b in key.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    mix(h ^ (key.len() as u64).rotate_left(17))
}

/// The hash of `parent[index]`.
pub fn hash_index(parent: u64, index: usize) -> u64 {
    mix(parent.rotate_left(5) ^ (index as u64).wrapping_add(0x5851_f42d_4c95_7f2d))
}

/// The hash of `base` followed by `segments`.
pub fn hash_segments(base: u64, segments: &[Segment]) -> u64 {
    segments.iter().fold(base, |h, segment| match segment {
        Segment::Key(key) => hash_key(h, key),
        Segment::Index(index) => hash_index(h, *index),
    })
}

/// Positions of every node of one document, keyed by path hash.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    entries: Vec<(u64, Pos)>,
    sorted: bool,
}

impl SpanIndex {
    pub fn with_capacity(capacity: usize) -> Self {
        SpanIndex {
            entries: Vec::with_capacity(capacity),
            sorted: false,
        }
    }

    /// Records a node; call [`SpanIndex::finish`] once every node is in.
    pub fn insert(&mut self, hash: u64, pos: Pos) {
        self.entries.push((hash, pos));
        self.sorted = false;
    }

    pub fn finish(&mut self) {
        // For a hash inserted twice (a duplicate key) the last position
        // wins, like the last value does: reverse, then sort stably, then
        // keep the first of each run.
        self.entries.reverse();
        self.entries.sort_by_key(|e| e.0);
        self.entries.dedup_by_key(|e| e.0);
        self.entries.shrink_to_fit();
        self.sorted = true;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, hash: u64) -> Option<Pos> {
        debug_assert!(self.sorted || self.entries.is_empty());
        self.entries
            .binary_search_by_key(&hash, |e| e.0)
            .ok()
            .map(|i| self.entries[i].1)
    }

    /// The position of `path` below the node whose hash is `base`, or of its
    /// nearest recorded ancestor when the field itself is absent (a finding
    /// about a missing field points at the object that should hold it).
    pub fn locate(&self, base: u64, path: &FieldPath) -> Option<Pos> {
        // Paths are short; hash prefixes on the stack, longest first.
        const MAX: usize = 32;
        let segments = path.segments();
        let mut hashes = [0u64; MAX + 1];
        hashes[0] = base;
        let n = segments.len().min(MAX);
        for (i, segment) in segments.iter().take(n).enumerate() {
            hashes[i + 1] = hash_segments(hashes[i], std::slice::from_ref(segment));
        }
        hashes[..=n].iter().rev().find_map(|h| self.get(*h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nearest_recorded_ancestor() {
        let spec = hash_key(ROOT_HASH, "spec");
        let containers = hash_key(spec, "containers");
        let first = hash_index(containers, 0);
        let mut index = SpanIndex::default();
        index.insert(ROOT_HASH, Pos::new(1, 1));
        index.insert(spec, Pos::new(5, 1));
        index.insert(containers, Pos::new(6, 3));
        index.insert(first, Pos::new(7, 5));
        index.finish();
        let path = FieldPath::root()
            .join_all(&["spec", "containers"])
            .join(0)
            .join_all(&["securityContext", "privileged"]);
        assert_eq!(index.locate(ROOT_HASH, &path), Some(Pos::new(7, 5)));
        assert_eq!(
            index.locate(ROOT_HASH, &FieldPath::root().join("spec")),
            Some(Pos::new(5, 1))
        );
        assert_eq!(
            index.locate(ROOT_HASH, &FieldPath::root().join("status")),
            Some(Pos::new(1, 1))
        );
    }

    #[test]
    fn key_and_index_hashes_differ() {
        assert_ne!(hash_key(ROOT_HASH, "0"), hash_index(ROOT_HASH, 0));
        assert_ne!(
            hash_key(ROOT_HASH, "ab"),
            hash_key(hash_key(ROOT_HASH, "a"), "b")
        );
    }
}
