//! The snapshot format: what a collection read, saved for offline scans.
//!
//! A gzip-compressed stream of JSON lines:
//! 1. a header, `{"palisadeSnapshot": {"version": 1, "createdAt": …,
//!    "tool": …, "cluster": {…}}}`;
//! 2. one line per object, in the order collected (owners before what
//!    they own, which [`crate::owners`] relies on), Secret values already
//!    redacted;
//! 3. a trailer, `{"palisadeSnapshotSummary": {…}}`: the kinds listed, the
//!    gaps and warnings. A snapshot without it was cut short and is
//!    refused rather than scanned as if complete.
//!
//! Readers refuse versions newer than theirs.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{ClusterInfo, Summary};

pub const FORMAT_VERSION: u32 = 1;
const HEADER_KEY: &str = "palisadeSnapshot";
const TRAILER_KEY: &str = "palisadeSnapshotSummary";
/// Objects handed to the reader's sink at a time.
const BATCH: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    pub version: u32,
    /// UTC, `2026-11-28T01:02:03Z`.
    pub created_at: String,
    /// `palisade 0.1.0`.
    pub tool: String,
    pub cluster: ClusterInfo,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{path}: not a palisade snapshot ({why})")]
    NotASnapshot { path: String, why: String },
    #[error("{path}: snapshot format version {found} is newer than this palisade reads ({FORMAT_VERSION}); upgrade palisade")]
    NewerVersion { path: String, found: u32 },
    #[error("{path}:{line}: malformed snapshot record: {message}")]
    Malformed {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: the snapshot is incomplete (it ends after {objects} objects without its summary); it was cut short while being written or copied")]
    Truncated { path: String, objects: usize },
}

/// Writes a snapshot as objects arrive.
pub struct SnapshotWriter {
    out: GzEncoder<BufWriter<File>>,
    path: String,
}

impl SnapshotWriter {
    pub fn create(path: &Path, header: &Header) -> Result<Self, SnapshotError> {
        let shown = path.display().to_string();
        let file = File::create(path).map_err(|e| SnapshotError::Io {
            path: shown.clone(),
            message: format!("cannot create: {e}"),
        })?;
        let mut writer = SnapshotWriter {
            out: GzEncoder::new(BufWriter::new(file), Compression::default()),
            path: shown,
        };
        writer.line(&serde_json::json!({ HEADER_KEY: header }))?;
        Ok(writer)
    }

    pub fn write_objects(&mut self, objects: &[Value]) -> Result<(), SnapshotError> {
        objects.iter().try_for_each(|o| self.line(o))
    }

    pub fn finish(mut self, summary: &Summary) -> Result<(), SnapshotError> {
        self.line(&serde_json::json!({ TRAILER_KEY: summary }))?;
        let path = self.path.clone();
        self.out
            .finish()
            .and_then(|mut inner| inner.flush())
            .map_err(|e| SnapshotError::Io {
                path,
                message: format!("cannot write: {e}"),
            })
    }

    fn line(&mut self, value: &Value) -> Result<(), SnapshotError> {
        serde_json::to_writer(&mut self.out, value)
            .map_err(std::io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|e| SnapshotError::Io {
                path: self.path.clone(),
                message: format!("cannot write: {e}"),
            })
    }
}

/// Whether a file starts like a snapshot (gzip magic), so that `scan`
/// can tell a snapshot from a manifest.
pub fn looks_like_snapshot(path: &Path) -> bool {
    let mut magic = [0u8; 2];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| magic == [0x1f, 0x8b])
}

/// An open snapshot whose header has been read.
pub struct SnapshotReader {
    pub header: Header,
    lines: std::iter::Enumerate<std::io::Lines<BufReader<MultiGzDecoder<File>>>>,
    path: String,
}

impl SnapshotReader {
    pub fn open(path: &Path) -> Result<SnapshotReader, SnapshotError> {
        let shown = path.display().to_string();
        let file = File::open(path).map_err(|e| SnapshotError::Io {
            path: shown.clone(),
            message: format!("cannot open: {e}"),
        })?;
        if !looks_like_snapshot(path) {
            return Err(SnapshotError::NotASnapshot {
                path: shown,
                why: "it is not gzip-compressed".into(),
            });
        }
        let mut lines = BufReader::with_capacity(1 << 16, MultiGzDecoder::new(file))
            .lines()
            .enumerate();
        let not_a_snapshot = |why: &str| SnapshotError::NotASnapshot {
            path: shown.clone(),
            why: why.into(),
        };
        let (index, line) = lines.next().ok_or_else(|| not_a_snapshot("it is empty"))?;
        let line = line.map_err(|e| not_a_snapshot(&format!("it cannot be decompressed: {e}")))?;
        let mut value: Value = serde_json::from_str(&line)
            .map_err(|_| not_a_snapshot("its first record is not a snapshot header"))?;
        let raw = value
            .get_mut(HEADER_KEY)
            .map(Value::take)
            .ok_or_else(|| not_a_snapshot("its first record is not a snapshot header"))?;
        let version = raw.get("version").and_then(Value::as_u64).unwrap_or(0);
        if version > u64::from(FORMAT_VERSION) {
            return Err(SnapshotError::NewerVersion {
                path: shown,
                found: u32::try_from(version).unwrap_or(u32::MAX),
            });
        }
        let header = serde_json::from_value(raw).map_err(|e| SnapshotError::Malformed {
            path: shown.clone(),
            line: index + 1,
            message: format!("header: {e}"),
        })?;
        Ok(SnapshotReader {
            header,
            lines,
            path: shown,
        })
    }

    /// Hands the objects to `sink` in batches, in order, and returns the
    /// summary that ends the snapshot.
    pub fn read_objects(self, sink: &mut dyn FnMut(Vec<Value>)) -> Result<Summary, SnapshotError> {
        let path = self.path;
        let mut batch = Vec::with_capacity(BATCH);
        let mut objects = 0;
        for (index, line) in self.lines {
            let number = index + 1;
            let line = line.map_err(|e| {
                // A gzip stream cut short reads as an unexpected end.
                if e.kind() == std::io::ErrorKind::UnexpectedEof {
                    SnapshotError::Truncated {
                        path: path.clone(),
                        objects,
                    }
                } else {
                    SnapshotError::Malformed {
                        path: path.clone(),
                        line: number,
                        message: e.to_string(),
                    }
                }
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let mut value: Value =
                serde_json::from_str(&line).map_err(|e| SnapshotError::Malformed {
                    path: path.clone(),
                    line: number,
                    message: e.to_string(),
                })?;
            if let Some(raw) = value.get_mut(TRAILER_KEY).map(Value::take) {
                let summary: Summary =
                    serde_json::from_value(raw).map_err(|e| SnapshotError::Malformed {
                        path: path.clone(),
                        line: number,
                        message: format!("summary: {e}"),
                    })?;
                if !batch.is_empty() {
                    sink(std::mem::take(&mut batch));
                }
                return Ok(summary);
            }
            objects += 1;
            batch.push(value);
            if batch.len() == BATCH {
                sink(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
        }
        Err(SnapshotError::Truncated { path, objects })
    }
}

/// Reads a whole snapshot: its header, its objects (handed to `sink` in
/// batches) and its summary.
pub fn read(
    path: &Path,
    sink: &mut dyn FnMut(Vec<Value>),
) -> Result<(Header, Summary), SnapshotError> {
    let reader = SnapshotReader::open(path)?;
    let header = reader.header.clone();
    let summary = reader.read_objects(sink)?;
    Ok((header, summary))
}

/// The current time as `YYYY-MM-DDThh:mm:ssZ`.
pub fn now_utc() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    let date = palisade_core::date::Date::from_days_since_epoch(days);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn header() -> Header {
        Header {
            version: FORMAT_VERSION,
            created_at: now_utc(),
            tool: "palisade test".into(),
            cluster: ClusterInfo {
                source: "cluster:test".into(),
                server: "https://127.0.0.1:6443".into(),
                context: Some("test".into()),
                version: Some("v1.20.2".into()),
            },
        }
    }

    fn write(path: &Path, objects: usize) -> Summary {
        let mut writer = SnapshotWriter::create(path, &header()).unwrap();
        let all: Vec<Value> = (0..objects)
            .map(|i| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("c{i}")}}))
            .collect();
        writer.write_objects(&all).unwrap();
        let summary = Summary {
            cluster: header().cluster,
            objects,
            ..Summary::default()
        };
        writer.finish(&summary).unwrap();
        summary
    }

    #[test]
    fn round_trips_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.snap");
        let summary = write(&path, 1300);
        let mut names = Vec::new();
        let (read_header, read_summary) = read(&path, &mut |batch| {
            names.extend(
                batch
                    .iter()
                    .map(|o| o["metadata"]["name"].as_str().unwrap().to_string()),
            );
        })
        .unwrap();
        assert_eq!(read_header.cluster, header().cluster);
        assert_eq!(read_summary, summary);
        assert_eq!(names.len(), 1300);
        assert_eq!(names[0], "c0");
        assert_eq!(names[1299], "c1299");
    }

    #[test]
    fn a_cut_short_snapshot_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.snap");
        write(&path, 2000);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let error = read(&path, &mut |_| {}).unwrap_err();
        assert!(matches!(error, SnapshotError::Truncated { .. }), "{error}");
        assert!(error.to_string().contains("incomplete"), "{error}");
    }

    #[test]
    fn other_files_are_not_snapshots() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.yaml");
        std::fs::write(&path, "kind: Pod\n").unwrap();
        assert!(!looks_like_snapshot(&path));
        let error = read(&path, &mut |_| {}).unwrap_err();
        assert!(
            error.to_string().contains("not a palisade snapshot"),
            "{error}"
        );
    }

    #[test]
    fn newer_versions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.snap");
        let mut out = GzEncoder::new(File::create(&path).unwrap(), Compression::fast());
        writeln!(out, "{}", json!({HEADER_KEY: {"version": 99}})).unwrap();
        out.finish().unwrap();
        let error = read(&path, &mut |_| {}).unwrap_err();
        assert!(
            matches!(error, SnapshotError::NewerVersion { found: 99, .. }),
            "{error}"
        );
    }
}
