//! Reading an input into text, with the checks that keep binary, oversized
//! and non-UTF-8 files from reaching the parser.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use palisade_core::{InputError, Pos};

use super::discover::Input;
use super::kustomize;
use super::Limits;

/// The text of one input and the name findings will cite.
#[derive(Debug)]
pub struct SourceText {
    pub name: Arc<str>,
    pub text: String,
    /// Parse as JSON first (the file's extension says so).
    pub json: bool,
}

/// Reads one input. Errors name the file, and the line where one applies.
pub fn read_input(input: &Input, limits: &Limits) -> Result<SourceText, InputError> {
    match input {
        Input::File(path) => read_file(path, limits),
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(limits.max_file_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| {
                    InputError::new("<stdin>", None, format!("cannot read standard input: {e}"))
                })?;
            if bytes.len() as u64 > limits.max_file_bytes {
                return Err(InputError::new(
                    "<stdin>",
                    None,
                    format!(
                        "standard input is larger than the {}-byte limit",
                        limits.max_file_bytes
                    ),
                ));
            }
            let json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
            to_text("<stdin>", bytes, json)
        }
        Input::Kustomize(dir) => {
            let name = format!("{} (kustomize build)", dir.display());
            let bytes = kustomize::render(dir)
                .map_err(|e| InputError::new(dir.display().to_string(), None, e.to_string()))?;
            to_text(&name, bytes, false)
        }
    }
}

fn read_file(path: &Path, limits: &Limits) -> Result<SourceText, InputError> {
    let name = path.display().to_string();
    let fail = |message: String| InputError::new(name.clone(), None, message);
    let metadata = std::fs::metadata(path).map_err(|e| fail(format!("cannot read file: {e}")))?;
    let too_big = |size: u64| {
        fail(format!(
            "file is {size} bytes, over the {}-byte limit (--max-file-size); skipped",
            limits.max_file_bytes
        ))
    };
    if metadata.len() > limits.max_file_bytes {
        return Err(too_big(metadata.len()));
    }
    // Pipes report no size, so the limit is also enforced while reading.
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(limits.max_file_bytes + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(format!("cannot read file: {e}")))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_big(bytes.len() as u64));
    }
    let json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    to_text(&name, bytes, json)
}

/// UTF-16 text with a byte-order mark (what Windows PowerShell writes with
/// `>`), decoded; `None` for anything else.
fn decode_utf16(bytes: &[u8]) -> Option<Result<String, ()>> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|pair| {
            let pair = [pair[0], *pair.get(1).unwrap_or(&0)];
            if little {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        })
        .collect();
    Some(String::from_utf16(&units).map_err(|_| ()))
}

fn to_text(name: &str, bytes: Vec<u8>, json: bool) -> Result<SourceText, InputError> {
    if let Some(decoded) = decode_utf16(&bytes) {
        let text = decoded.map_err(|()| {
            InputError::new(
                name,
                None,
                "invalid UTF-16 (the file starts with a UTF-16 byte-order mark); file skipped",
            )
        })?;
        return to_text(name, text.into_bytes(), json);
    }
    let probe = &bytes[..bytes.len().min(8192)];
    if probe.contains(&0) {
        return Err(InputError::new(
            name,
            None,
            "binary file (contains NUL bytes); skipped",
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() as u32 + 1;
        InputError::new(
            name,
            Some(Pos::new(line, column)),
            "invalid UTF-8; file skipped",
        )
    })?;
    // A UTF-8 byte-order mark is legal YAML but not part of the content.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok(SourceText {
        name: Arc::from(name),
        text,
        json,
    })
}
