//! The YAML reader against a reference: every YAML file of the shared real
//! corpus is read by palisade and by PyYAML (YAML 1.1, adjusted to read as
//! kubectl does) and the values must be identical. PyYAML comes from PyPI
//! (`.ci/run` installs it); the test fails, rather than skips, without it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use palisade_collect::{document_chunks, parse_chunk, Limits};

fn corpus() -> PathBuf {
    let candidates = [
        std::env::var_os("PALISADE_SHARED_DIR").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")),
        Some(PathBuf::from("/work/shared")),
    ];
    candidates
        .into_iter()
        .flatten()
        .map(|p| p.join("corpus/real"))
        .find(|p| p.is_dir())
        .expect("the shared real corpus was not found; set PALISADE_SHARED_DIR")
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn real_corpus_reads_like_a_yaml_1_1_reference() {
    let mut files = Vec::new();
    yaml_files(&corpus(), &mut files);
    assert!(files.len() > 1000, "corpus too small: {}", files.len());
    let mut ndjson = Vec::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let name = file.to_string_lossy();
        let mut docs = Vec::new();
        for chunk in document_chunks(&text) {
            for doc in parse_chunk(&name, chunk, &Limits::default()) {
                let doc = doc.unwrap_or_else(|e| panic!("palisade cannot read {e}"));
                docs.push(doc.value);
            }
        }
        serde_json::to_writer(
            &mut ndjson,
            &serde_json::json!({"file": name, "docs": docs}),
        )
        .unwrap();
        ndjson.push(b'\n');
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/compare.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (with PyYAML: pip install pyyaml)");
    child.stdin.take().unwrap().write_all(&ndjson).unwrap();
    let output = child.wait_with_output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    println!("{report}");
    assert!(
        output.status.success(),
        "palisade and the YAML reference disagree:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
