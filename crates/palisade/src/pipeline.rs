//! The scan pipeline: inputs are read in parallel, each split into
//! documents that are parsed and checked in parallel. Each worker folds its
//! documents into one partial [`Outcome`] (so nothing is shared while
//! working, and findings are not copied again and again by pairwise
//! merges), and the few partial outcomes are merged at the end.

use palisade_collect::{
    document_chunks, parse_chunk, read_input, resources_from_document, Chunk, Input, Limits,
    ParsedDocument, SourceText,
};
use palisade_core::{InputError, Pos, SpanIndex};
use palisade_engine::{Engine, Outcome};
use rayon::prelude::*;

/// Scans every input with `engine`.
pub fn scan(inputs: &[Input], engine: &Engine, limits: &Limits) -> Outcome {
    inputs
        .par_iter()
        .fold(Outcome::default, |mut outcome, input| {
            scan_input(input, engine, limits, &mut outcome);
            outcome
        })
        .reduce(Outcome::default, Outcome::merge)
}

fn scan_input(input: &Input, engine: &Engine, limits: &Limits, outcome: &mut Outcome) {
    let source = match read_input(input, limits) {
        Ok(source) => source,
        Err(error) => {
            outcome.errors.push(error);
            return;
        }
    };
    outcome.files += 1;
    if source.json {
        scan_json(&source, engine, limits, outcome);
        return;
    }
    let chunks = document_chunks(&source.text);
    let scanned = chunks
        .par_iter()
        .fold(Outcome::default, |mut partial, chunk| {
            scan_chunk(&source, *chunk, engine, limits, &mut partial);
            partial
        })
        .reduce(Outcome::default, Outcome::merge);
    let merged = std::mem::take(outcome).merge(scanned);
    *outcome = merged;
}

fn scan_chunk(
    source: &SourceText,
    chunk: Chunk<'_>,
    engine: &Engine,
    limits: &Limits,
    outcome: &mut Outcome,
) {
    for parsed in parse_chunk(&source.name, chunk, limits) {
        match parsed {
            Ok(doc) => evaluate_document(source, doc, engine, outcome),
            Err(mut error) => {
                if chunk.text.contains("{{") {
                    error.message.push_str("; this looks like an unrendered Helm template: render it with `helm template` and scan the output");
                }
                outcome.errors.push(error);
            }
        }
    }
}

/// JSON is parsed as YAML to keep positions; the rare JSON that YAML
/// rejects (tabs for indentation, say) falls back to a JSON parser, whose
/// error message is also the clearer one for a broken JSON file.
fn scan_json(source: &SourceText, engine: &Engine, limits: &Limits, outcome: &mut Outcome) {
    let chunk = Chunk {
        text: &source.text,
        first_line: 1,
    };
    let parsed = parse_chunk(&source.name, chunk, limits);
    if parsed.iter().all(Result::is_ok) {
        for doc in parsed.into_iter().flatten() {
            evaluate_document(source, doc, engine, outcome);
        }
        return;
    }
    // One JSON value, or several in a row (NDJSON, `jq -c '.items[]'`).
    let mut values =
        serde_json::Deserializer::from_str(&source.text).into_iter::<serde_json::Value>();
    loop {
        let offset = values.byte_offset();
        let rest = &source.text[offset..];
        let start = offset + rest.len() - rest.trim_start().len();
        match values.next() {
            None => break,
            Some(Ok(value)) => {
                let line = source.text[..start].bytes().filter(|&b| b == b'\n').count() as u32 + 1;
                let doc = ParsedDocument {
                    value,
                    spans: SpanIndex::default(),
                    pos: Pos::new(line, 1),
                    warnings: Vec::new(),
                };
                evaluate_document(source, doc, engine, outcome);
            }
            Some(Err(e)) => {
                outcome.errors.push(InputError::new(
                    source.name.to_string(),
                    Some(Pos::new(e.line() as u32, e.column() as u32)),
                    format!("invalid JSON: {e}"),
                ));
                break;
            }
        }
    }
}

fn evaluate_document(
    source: &SourceText,
    doc: ParsedDocument,
    engine: &Engine,
    outcome: &mut Outcome,
) {
    let objects = resources_from_document(&source.name, doc);
    outcome.warnings.extend(objects.warnings);
    for resource in objects.resources {
        engine.evaluate(resource, outcome);
    }
}
