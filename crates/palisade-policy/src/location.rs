//! Field paths written by policies: `spec.containers[0].image` (Rego
//! results' `path`) or `.spec.containers[0].image` (ValidatingAdmissionPolicy
//! `fieldPath`), with `['key.with.dots']` for keys that need quoting.

use palisade_core::FieldPath;

/// The path, or `None` when the text is not a field path.
pub fn parse_field_path(text: &str) -> Option<FieldPath> {
    let text = text.trim();
    let mut rest = text.strip_prefix('.').unwrap_or(text);
    let mut path = FieldPath::root();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']')?;
            let inside = &after[..close];
            if let Some(quoted) = inside
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
            {
                path.push(quoted.to_string());
            } else {
                path.push(inside.parse::<usize>().ok()?);
            }
            rest = &after[close + 1..];
            rest = rest.strip_prefix('.').unwrap_or(rest);
            continue;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let key = &rest[..end];
        if key.is_empty() {
            return None;
        }
        path.push(key.to_string());
        rest = &rest[end..];
        if let Some(after) = rest.strip_prefix('.') {
            if after.is_empty() {
                return None;
            }
            rest = after;
        }
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dotted_and_indexed_paths() {
        let path = parse_field_path(".spec.containers[0].image").unwrap();
        assert_eq!(path.to_dotted(), "spec.containers[0].image");
        let path = parse_field_path("metadata.labels['app.kubernetes.io/name']").unwrap();
        assert_eq!(path.segments().len(), 3);
        assert!(parse_field_path("").unwrap().is_root());
        assert!(parse_field_path("spec..x").is_none());
        assert!(parse_field_path("spec.[x]").is_none());
        assert!(parse_field_path("spec[0").is_none());
        assert!(parse_field_path("spec.").is_none());
    }
}
