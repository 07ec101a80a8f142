//! YAML (and JSON, which is YAML's flow style) to `serde_json::Value`, with
//! the position of every node recorded in a [`SpanIndex`].
//!
//! Built directly on the event parser: building a DOM first would cost two
//! to three times the memory and time. The builder is iterative, so nesting
//! depth is bounded by [`Limits::max_depth`] rather than by the stack, and
//! aliases are expanded against [`Limits::max_nodes`] so that an alias bomb
//! ("billion laughs") fails fast instead of exhausting memory.

use std::collections::HashMap;

use palisade_core::span::{hash_index, hash_key, ROOT_HASH};
use palisade_core::{InputError, Pos, SpanIndex};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Value};

use super::scalar::{plain_key, resolve_plain};
use super::split::Chunk;
use super::Limits;

/// One parsed YAML document.
#[derive(Debug)]
pub struct ParsedDocument {
    pub value: Value,
    pub spans: SpanIndex,
    /// Where the document's root node starts.
    pub pos: Pos,
    /// Accepted but dubious input (duplicate keys), with positions.
    pub warnings: Vec<(Pos, String)>,
}

enum Frame {
    Map {
        map: Map<String, Value>,
        hash: u64,
        /// The key awaiting its value, its position and its path hash.
        key: Option<(String, Pos, u64)>,
        /// Values of `<<` merge keys, applied when the mapping ends so that
        /// explicit keys win wherever they appear.
        merges: Vec<(Value, Pos)>,
        anchor: usize,
        nodes_before: usize,
        start: Pos,
    },
    Seq {
        items: Vec<Value>,
        hash: u64,
        anchor: usize,
        nodes_before: usize,
        start: Pos,
    },
}

/// Where the next node goes.
struct Slot {
    hash: u64,
    pos: Pos,
}

struct Builder<'l> {
    limits: &'l Limits,
    first_line: u32,
    stack: Vec<Frame>,
    spans: SpanIndex,
    anchors: HashMap<usize, (Value, usize)>,
    nodes: usize,
    root: Option<(Value, Pos)>,
    warnings: Vec<(Pos, String)>,
    /// The text's length in characters when it does not end with a line
    /// break (see the block-scalar fix in `on_event`).
    unterminated_len: Option<usize>,
}

#[derive(Debug)]
struct BuildError {
    pos: Pos,
    message: String,
}

type Built<T> = Result<T, BuildError>;

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits, first_line: u32) -> Self {
        Builder {
            limits,
            first_line,
            stack: Vec::new(),
            spans: SpanIndex::with_capacity(256),
            anchors: HashMap::new(),
            nodes: 0,
            root: None,
            warnings: Vec::new(),
            unterminated_len: None,
        }
    }

    fn pos(&self, span: &Span) -> Pos {
        Pos::new(
            (span.start.line() as u32).saturating_add(self.first_line.saturating_sub(1)),
            span.start.col() as u32 + 1,
        )
    }

    fn count(&mut self, nodes: usize, pos: Pos) -> Built<()> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > self.limits.max_nodes {
            return Err(BuildError {
                pos,
                message: format!(
                    "document expands to more than {} nodes (an alias bomb?); not scanned",
                    self.limits.max_nodes
                ),
            });
        }
        Ok(())
    }

    /// Where a node starting at `pos` goes, or `None` when it is a mapping
    /// key (handled by the caller).
    fn slot(&self, pos: Pos) -> Option<Slot> {
        match self.stack.last() {
            None => Some(Slot {
                hash: ROOT_HASH,
                pos,
            }),
            Some(Frame::Map { key: None, .. }) => None,
            Some(Frame::Map {
                key: Some((_, key_pos, key_hash)),
                ..
            }) => Some(Slot {
                hash: *key_hash,
                pos: *key_pos,
            }),
            Some(Frame::Seq { items, hash, .. }) => Some(Slot {
                hash: hash_index(*hash, items.len()),
                pos,
            }),
        }
    }

    /// Attaches a finished node to its parent (or makes it the root).
    fn attach(&mut self, value: Value, pos: Pos) -> Built<()> {
        let warnings = &mut self.warnings;
        match self.stack.last_mut() {
            None => {
                self.root = Some((value, pos));
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(value);
                Ok(())
            }
            Some(Frame::Map {
                map, key, merges, ..
            }) => {
                let Some((name, key_pos, _)) = key.take() else {
                    return Err(BuildError {
                        pos,
                        message: "internal: value without a key".to_string(),
                    });
                };
                if name == "<<" {
                    merges.push((value, key_pos));
                    return Ok(());
                }
                if map.insert(name.clone(), value).is_some() {
                    warnings.push((
                        key_pos,
                        format!("duplicate mapping key `{name}`; the last value is used, as kubectl does without strict validation"),
                    ));
                }
                Ok(())
            }
        }
    }

    fn remember_anchor(&mut self, anchor: usize, value: &Value, nodes: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (value.clone(), nodes.max(1)));
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Built<()> {
        let pos = self.pos(&span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                if matches!(self.stack.last(), Some(Frame::Map { key: None, .. })) {
                    return self.on_key(&text, style, pos);
                }
                self.count(1, pos)?;
                let mut value = scalar_value(&text, style, tag.as_deref());
                // A block scalar that runs to the end of a text without a
                // final line break has no trailing newline in go-yaml (and
                // libyaml); the event parser adds one.
                let at_unterminated_end =
                    self.unterminated_len.is_some_and(|n| span.end.index() >= n);
                if at_unterminated_end
                    && matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                {
                    if let Value::String(s) = &mut value {
                        if s.ends_with('\n') {
                            s.pop();
                        }
                    }
                }
                if let Some(slot) = self.slot(pos) {
                    self.spans.insert(slot.hash, slot.pos);
                    self.remember_anchor(anchor, &value, 1);
                    self.attach(value, slot.pos)?;
                }
                Ok(())
            }
            Event::Alias(anchor) => {
                if matches!(self.stack.last(), Some(Frame::Map { key: None, .. })) {
                    return Err(BuildError {
                        pos,
                        message: "aliases as mapping keys are not supported".to_string(),
                    });
                }
                let Some((value, nodes)) = self.anchors.get(&anchor) else {
                    return Err(BuildError {
                        pos,
                        message: "alias to an unknown anchor".to_string(),
                    });
                };
                let (value, nodes) = (value.clone(), *nodes);
                self.count(nodes, pos)?;
                if let Some(slot) = self.slot(pos) {
                    self.spans.insert(slot.hash, slot.pos);
                    self.attach(value, slot.pos)?;
                }
                Ok(())
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let Some(slot) = self.slot(pos) else {
                    return Err(BuildError {
                        pos,
                        message: "complex (non-scalar) mapping keys are not supported".to_string(),
                    });
                };
                if self.stack.len() >= self.limits.max_depth {
                    return Err(BuildError {
                        pos,
                        message: format!(
                            "document is nested deeper than {} levels; not scanned",
                            self.limits.max_depth
                        ),
                    });
                }
                self.count(1, pos)?;
                self.spans.insert(slot.hash, slot.pos);
                let nodes_before = self.nodes;
                self.stack.push(if is_map {
                    Frame::Map {
                        map: Map::new(),
                        hash: slot.hash,
                        key: None,
                        merges: Vec::new(),
                        anchor,
                        nodes_before,
                        start: slot.pos,
                    }
                } else {
                    Frame::Seq {
                        items: Vec::new(),
                        hash: slot.hash,
                        anchor,
                        nodes_before,
                        start: slot.pos,
                    }
                });
                Ok(())
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (value, anchor, nodes_before, start) = match frame {
                    Frame::Map {
                        mut map,
                        merges,
                        anchor,
                        nodes_before,
                        hash,
                        start,
                        ..
                    } => {
                        for (merged, key_pos) in merges {
                            self.merge_into(&mut map, merged, key_pos, hash)?;
                        }
                        (Value::Object(map), anchor, nodes_before, start)
                    }
                    Frame::Seq {
                        items,
                        anchor,
                        nodes_before,
                        start,
                        ..
                    } => (Value::Array(items), anchor, nodes_before, start),
                };
                let nodes = self.nodes - nodes_before + 1;
                self.remember_anchor(anchor, &value, nodes);
                self.attach(value, start)
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => Ok(()),
        }
    }

    fn on_key(&mut self, text: &str, style: ScalarStyle, pos: Pos) -> Built<()> {
        let name = if style == ScalarStyle::Plain {
            if text == "<<" {
                text.to_string()
            } else {
                plain_key(text)
            }
        } else {
            text.to_string()
        };
        if let Some(Frame::Map { key, hash, .. }) = self.stack.last_mut() {
            let key_hash = hash_key(*hash, &name);
            *key = Some((name, pos, key_hash));
        }
        Ok(())
    }

    /// Applies a `<<` merge: keys of the merged mapping (or of each mapping
    /// of a merged sequence, earlier ones first) that the mapping lacks.
    fn merge_into(
        &mut self,
        map: &mut Map<String, Value>,
        merged: Value,
        key_pos: Pos,
        hash: u64,
    ) -> Built<()> {
        let sources = match merged {
            Value::Object(m) => vec![m],
            Value::Array(items) => {
                let mut maps = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::Object(m) => maps.push(m),
                        _ => {
                            return Err(BuildError {
                                pos: key_pos,
                                message: "`<<` merge of a sequence that holds a non-mapping"
                                    .to_string(),
                            })
                        }
                    }
                }
                maps
            }
            _ => {
                return Err(BuildError {
                    pos: key_pos,
                    message: "`<<` merge of a value that is not a mapping".to_string(),
                })
            }
        };
        for source in sources {
            for (k, v) in source {
                if !map.contains_key(&k) {
                    self.spans.insert(hash_key(hash, &k), key_pos);
                    map.insert(k, v);
                }
            }
        }
        Ok(())
    }
}

fn scalar_value(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:" {
            match tag.suffix.as_str() {
                "str" | "binary" | "timestamp" => return Value::String(text.to_string()),
                "null" => return Value::Null,
                "bool" | "int" | "float" => {
                    return match resolve_plain(text) {
                        Value::String(_) => Value::String(text.to_string()),
                        v => v,
                    }
                }
                _ => {}
            }
        }
    }
    match style {
        ScalarStyle::Plain => resolve_plain(text),
        _ => Value::String(text.to_string()),
    }
}

fn error_at(file: &str, pos: Pos, message: String) -> InputError {
    InputError::new(file, Some(pos), message)
}

/// How many times one chunk may be re-indented to accept flow content that
/// go-yaml accepts and the strict parser does not (see [`reindent`]).
const MAX_INDENT_REPAIRS: usize = 256;

/// Parses the documents of one chunk. A document that fails to parse gives
/// one located error; the chunk's other documents are kept.
pub fn parse_chunk(
    file: &str,
    chunk: Chunk<'_>,
    limits: &Limits,
) -> Vec<Result<ParsedDocument, InputError>> {
    let start = Pos::new(chunk.first_line, 1);
    if chunk.text.len() > limits.max_document_bytes {
        return vec![Err(error_at(
            file,
            start,
            format!(
                "document is {} bytes, over the {}-byte limit for one object; not scanned",
                chunk.text.len(),
                limits.max_document_bytes
            ),
        ))];
    }
    let mut text = std::borrow::Cow::Borrowed(chunk.text);
    for _ in 0..MAX_INDENT_REPAIRS {
        let (out, indentation_error) = parse_text(file, &text, chunk.first_line, limits);
        let Some((line, quoted)) = indentation_error else {
            return out;
        };
        match reindent(&text, line, quoted) {
            Some(fixed) => text = std::borrow::Cow::Owned(fixed),
            None => return out,
        }
    }
    parse_text(file, &text, chunk.first_line, limits).0
}

/// The documents of a chunk, each parsed or failed.
type ChunkResults = Vec<Result<ParsedDocument, InputError>>;

/// Where an indentation error occurred: 0-based line within the text, and
/// whether inside a quoted scalar.
type IndentationError = Option<(usize, bool)>;

/// One parse. Besides the results, says where an indentation error
/// occurred (0-based line within the text, and whether inside a quoted
/// scalar) so that the caller may repair it.
fn parse_text(
    file: &str,
    text: &str,
    first_line: u32,
    limits: &Limits,
) -> (ChunkResults, IndentationError) {
    let mut out = Vec::new();
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder::new(limits, first_line);
    if !text.ends_with('\n') {
        builder.unterminated_len = Some(text.chars().count());
    }
    while let Some(next) = parser.next_event() {
        match next {
            Err(e) => {
                let mark = e.marker();
                let pos = Pos::new(
                    (mark.line() as u32).saturating_add(first_line.saturating_sub(1)),
                    mark.col() as u32 + 1,
                );
                let repairable = e.info().starts_with("invalid indentation").then(|| {
                    (
                        mark.line().saturating_sub(1),
                        e.info().contains("quoted scalar"),
                    )
                });
                out.push(Err(error_at(
                    file,
                    pos,
                    format!("invalid YAML: {}", e.info()),
                )));
                return (out, repairable);
            }
            Ok((Event::DocumentEnd, _)) => {
                finish_document(&mut builder, &mut out, limits);
            }
            Ok((event, span)) => {
                if let Err(e) = builder.on_event(event, span) {
                    out.push(Err(error_at(file, e.pos, e.message)));
                    return (out, None);
                }
            }
        }
    }
    (out, None)
}

/// go-yaml (and so kubectl) does not check indentation inside flow
/// collections and quoted scalars, and real manifests rely on it:
///
/// ```yaml
///     args: [
///       "--flag",
///     ]
/// ```
///
/// The strict parser rejects the closing line. Leading spaces inside flow
/// content are insignificant (and folded away in quoted scalars), so
/// indenting the offending line by two more spaces changes nothing but the
/// parser's verdict, and keeps every line number. Lines outside flow
/// content are never touched: a real indentation error stays an error.
fn reindent(text: &str, line: usize, quoted: bool) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    // A quoted-scalar error is reported at the scalar's start; the line to
    // move is its first continuation line that is not indented deeper.
    let (target, spaces) = if quoted {
        let start_indent = indent(lines.get(line)?);
        let offset = lines
            .iter()
            .skip(line + 1)
            .position(|l| !l.trim().is_empty() && indent(l) <= start_indent)?;
        let target = line + 1 + offset;
        (target, start_indent + 2 - indent(lines[target]))
    } else {
        (line, 2)
    };
    let line_start: usize = lines.iter().take(target).map(|l| l.len()).sum();
    if !in_flow_context(&text[..line_start]) && !quoted {
        return None;
    }
    let mut fixed = String::with_capacity(text.len() + spaces);
    fixed.push_str(&text[..line_start]);
    fixed.extend(std::iter::repeat_n(' ', spaces));
    fixed.push_str(&text[line_start..]);
    Some(fixed)
}

/// Whether the end of `before` lies inside a flow collection (`[` or `{`
/// opened and not closed), skipping quoted scalars and comments.
fn in_flow_context(before: &str) -> bool {
    let mut depth = 0i32;
    // Quoted scalars may span lines, so the quote state carries over.
    let mut quote: Option<char> = None;
    for line in before.lines() {
        let mut prev = ' ';
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match quote {
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '#' if prev.is_whitespace() => break,
                    '\'' | '"' if matches!(prev, ' ' | '\t' | '[' | '{' | ',' | ':' | '-') => {
                        quote = Some(c)
                    }
                    '[' | '{' => depth += 1,
                    ']' | '}' => depth -= 1,
                    _ => {}
                },
            }
            prev = c;
        }
    }
    depth > 0
}

fn finish_document<'l>(
    builder: &mut Builder<'l>,
    out: &mut Vec<Result<ParsedDocument, InputError>>,
    limits: &'l Limits,
) {
    let mut fresh = Builder::new(limits, builder.first_line);
    fresh.unterminated_len = builder.unterminated_len;
    let done = std::mem::replace(builder, fresh);
    if let Some((value, pos)) = done.root {
        let mut spans = done.spans;
        spans.finish();
        out.push(Ok(ParsedDocument {
            value,
            spans,
            pos,
            warnings: done.warnings,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_core::span::{hash_index, hash_key};
    use serde_json::json;

    fn parse(text: &str) -> Vec<Result<ParsedDocument, InputError>> {
        parse_chunk(
            "t.yaml",
            Chunk {
                text,
                first_line: 1,
            },
            &Limits::default(),
        )
    }

    fn one(text: &str) -> ParsedDocument {
        let mut docs = parse(text);
        assert_eq!(docs.len(), 1, "{docs:?}");
        docs.remove(0).unwrap()
    }

    #[test]
    fn builds_values_and_spans() {
        let doc = one("kind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n");
        assert_eq!(
            doc.value,
            json!({"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "x"}]}})
        );
        let spec = hash_key(ROOT_HASH, "spec");
        let containers = hash_key(spec, "containers");
        let first = hash_index(containers, 0);
        assert_eq!(doc.spans.get(spec), Some(Pos::new(2, 1)));
        assert_eq!(doc.spans.get(first), Some(Pos::new(4, 5)));
        assert_eq!(
            doc.spans.get(hash_key(first, "image")),
            Some(Pos::new(5, 5))
        );
    }

    #[test]
    fn offsets_lines_by_chunk_start() {
        let docs = parse_chunk(
            "t",
            Chunk {
                text: "---\na: 1\n",
                first_line: 10,
            },
            &Limits::default(),
        );
        let doc = docs.into_iter().next().unwrap().unwrap();
        assert_eq!(
            doc.spans.get(hash_key(ROOT_HASH, "a")),
            Some(Pos::new(11, 1))
        );
    }

    #[test]
    fn resolves_anchors_and_merges() {
        let doc = one("base: &b {p: 1, q: 2}\nuse:\n  <<: *b\n  q: 3\nlist: [*b]\n");
        assert_eq!(doc.value["use"], json!({"p": 1, "q": 3}));
        assert_eq!(doc.value["list"], json!([{"p": 1, "q": 2}]));
    }

    #[test]
    fn yaml_1_1_keys_become_json_strings_as_in_kubectl() {
        let doc = one("on: 1\n'on': 3\n");
        assert_eq!(doc.value, json!({"true": 1, "on": 3}));
        // `on` and `y` are both the boolean true to go-yaml: a duplicate.
        assert_eq!(one("on: 1\ny: 2\n").warnings.len(), 1);
    }

    #[test]
    fn block_scalars_at_an_unterminated_end_keep_no_newline() {
        assert_eq!(one("a: |\n  x\n  y").value, json!({"a": "x\ny"}));
        assert_eq!(one("a: |\n  x\n  y\n").value, json!({"a": "x\ny\n"}));
        assert_eq!(one("a: |\n  x\nb: 1").value, json!({"a": "x\n", "b": 1}));
    }

    #[test]
    fn parses_json() {
        let doc = one("{\"kind\": \"Pod\", \"n\": [1, 2.5, true, null]}");
        assert_eq!(doc.value, json!({"kind": "Pod", "n": [1, 2.5, true, null]}));
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let doc = one("a: '0644'\nb: \"true\"\nc: 0644\nd: !!str 10\n");
        assert_eq!(
            doc.value,
            json!({"a": "0644", "b": "true", "c": 420, "d": "10"})
        );
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_and_warn() {
        let doc = one("a: 1\nb: 2\na: 3\n");
        assert_eq!(doc.value, json!({"a": 3, "b": 2}));
        assert_eq!(doc.warnings.len(), 1);
        assert_eq!(doc.warnings[0].0, Pos::new(3, 1));
        assert_eq!(
            doc.spans.get(hash_key(ROOT_HASH, "a")),
            Some(Pos::new(3, 1))
        );
    }

    #[test]
    fn accepts_flow_content_indented_like_go_yaml_does() {
        let text = "spec:\n  containers:\n  - name: a\n    args: [\n      \"x\",\n    ]\n    cmd: [\"a\n    b\"]\n    image: y\n";
        let doc = one(text);
        assert_eq!(doc.value["spec"]["containers"][0]["args"], json!(["x"]));
        assert_eq!(doc.value["spec"]["containers"][0]["cmd"], json!(["a b"]));
        let image = hash_key(
            hash_index(hash_key(hash_key(ROOT_HASH, "spec"), "containers"), 0),
            "image",
        );
        assert_eq!(doc.spans.get(image).map(|p| p.line), Some(9));
    }

    #[test]
    fn real_indentation_errors_stay_errors() {
        let err = parse("a:\n  b: 1\n c: 2\n").remove(0).unwrap_err();
        assert!(err.message.contains("invalid"), "{}", err.message);
    }

    #[test]
    fn stops_alias_bombs() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = parse(&text).remove(0).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    #[test]
    fn stops_deep_nesting() {
        // Both our own limit and the parser's recursion limit give a
        // located error rather than a stack overflow.
        for depth in [200, 100_000] {
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let err = parse(&text).remove(0).unwrap_err();
            assert!(
                err.message.contains("nested deeper") || err.message.contains("recursion limit"),
                "{}",
                err.message
            );
            assert!(err.line.is_some());
        }
    }

    #[test]
    fn reports_syntax_errors_with_location() {
        let err = parse("a: 1\nb: [unclosed\nc: 2\n").remove(0).unwrap_err();
        assert!(err.line.is_some());
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
    }

    #[test]
    fn empty_documents_yield_nothing_or_null() {
        assert!(parse("# only a comment\n").is_empty());
    }
}
