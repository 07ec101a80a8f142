//! Splitting a YAML stream into documents before parsing, so that documents
//! parse in parallel and a broken document costs only itself.
//!
//! A line that starts with `---` followed by a space, a tab or the end of
//! the line is always a document marker: YAML forbids such a line inside
//! any scalar.

/// One document's text and where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub text: &'a str,
    /// 1-based line of the chunk's first line in the whole file.
    pub first_line: u32,
}

fn is_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

/// Lines that carry no content of their own: blank, comment or directive.
/// A chunk made only of these belongs to the document that follows it.
fn is_preamble(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#') || line.starts_with('%')
}

/// The documents of `text`, in order.
pub fn document_chunks(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut preamble_only = true;
    let mut offset = 0usize;
    // Directives (`%YAML`) belong to the document after them: where the run
    // of blank, comment and directive lines before a marker holds one, the
    // split goes before that run.
    let mut trailing: Option<(usize, u32)> = None;
    let mut trailing_directive = false;
    for (line_no, line) in (1u32..).zip(text.split_inclusive('\n')) {
        if is_marker(line) && offset > start && !preamble_only {
            let (at, at_line) = match trailing {
                Some(run) if trailing_directive && run.0 > start => run,
                _ => (offset, line_no),
            };
            chunks.push(Chunk {
                text: &text[start..at],
                first_line: start_line,
            });
            start = at;
            start_line = at_line;
            preamble_only = true;
        }
        if is_marker(line) {
            // The marker line may carry content (`--- !tag` or `--- |`); it
            // is parsed with its document either way.
            preamble_only = false;
            trailing = None;
            trailing_directive = false;
        } else if is_preamble(line) {
            trailing.get_or_insert((offset, line_no));
            trailing_directive |= line.starts_with('%');
        } else {
            preamble_only = false;
            trailing = None;
            trailing_directive = false;
        }
        offset += line.len();
    }
    if start < text.len() {
        chunks.push(Chunk {
            text: &text[start..],
            first_line: start_line,
        });
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_markers_and_keeps_preambles() {
        let text = "# header\n%YAML 1.1\n---\na: 1\n---\nb: 2\n--- |\n  text\n";
        let chunks = document_chunks(text);
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0].first_line, 1);
        assert!(chunks[0].text.contains("a: 1"));
        assert_eq!(chunks[1].first_line, 5);
        assert_eq!(chunks[1].text, "---\nb: 2\n");
        assert_eq!(chunks[2].first_line, 7);
    }

    #[test]
    fn directives_after_a_document_end_go_with_the_next_document() {
        let text = "a: 1\n...\n%YAML 1.1\n---\nb: 2\n";
        let chunks = document_chunks(text);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].text, "a: 1\n...\n");
        assert_eq!(chunks[1].first_line, 3);
        assert!(chunks[1].text.starts_with("%YAML"));
    }

    #[test]
    fn ignores_dashes_that_are_not_markers() {
        let text = "a: |\n  ---\n  x\n----\nb: ---\n";
        assert_eq!(document_chunks(text).len(), 1);
    }

    #[test]
    fn no_marker_is_one_chunk() {
        assert_eq!(document_chunks("a: 1\nb: 2\n").len(), 1);
        assert!(document_chunks("").is_empty());
    }
}
