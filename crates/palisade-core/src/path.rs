//! Field paths inside a Kubernetes object, such as
//! `spec.template.spec.containers[0].securityContext.privileged`.

use std::borrow::Cow;
use std::fmt;

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(Cow<'static, str>),
    Index(usize),
}

impl From<&'static str> for Segment {
    fn from(key: &'static str) -> Self {
        Segment::Key(Cow::Borrowed(key))
    }
}

impl From<String> for Segment {
    fn from(key: String) -> Self {
        Segment::Key(Cow::Owned(key))
    }
}

impl From<usize> for Segment {
    fn from(index: usize) -> Self {
        Segment::Index(index)
    }
}

/// A path from the root of an object to one of its fields. Cheap to extend:
/// checks build paths by appending to the path of the pod spec or container
/// they were handed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FieldPath {
    segments: Vec<Segment>,
}

impl FieldPath {
    pub fn root() -> Self {
        FieldPath::default()
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// A new path with `segment` appended.
    #[must_use]
    pub fn join(&self, segment: impl Into<Segment>) -> FieldPath {
        let mut segments = Vec::with_capacity(self.segments.len() + 1);
        segments.extend_from_slice(&self.segments);
        segments.push(segment.into());
        FieldPath { segments }
    }

    /// A new path with every segment of `keys` appended, for dotted constants
    /// such as `["securityContext", "privileged"]`.
    #[must_use]
    pub fn join_all(&self, keys: &[&'static str]) -> FieldPath {
        let mut segments = Vec::with_capacity(self.segments.len() + keys.len());
        segments.extend_from_slice(&self.segments);
        segments.extend(keys.iter().map(|k| Segment::from(*k)));
        FieldPath { segments }
    }

    pub fn push(&mut self, segment: impl Into<Segment>) {
        self.segments.push(segment.into());
    }

    /// The path without its last segment, or `None` at the root.
    pub fn parent(&self) -> Option<FieldPath> {
        if self.segments.is_empty() {
            return None;
        }
        let mut segments = self.segments.clone();
        segments.pop();
        Some(FieldPath { segments })
    }

    /// Follows the path through a JSON value.
    pub fn resolve<'v>(&self, root: &'v serde_json::Value) -> Option<&'v serde_json::Value> {
        self.segments
            .iter()
            .try_fold(root, |value, segment| match segment {
                Segment::Key(key) => value.get(key.as_ref()),
                Segment::Index(index) => value.get(*index),
            })
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl FieldPath {
    /// The dotted form (see the `Display` implementation), built without
    /// the formatting machinery: every finding carries one.
    pub fn to_dotted(&self) -> String {
        let estimate: usize = self
            .segments
            .iter()
            .map(|s| match s {
                Segment::Key(k) => k.len() + 1,
                Segment::Index(_) => 4,
            })
            .sum();
        let mut out = String::with_capacity(estimate + 4);
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Key(key) if is_plain_key(key) => {
                    if i > 0 {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Segment::Key(key) => {
                    out.push('[');
                    out.push_str(&format!("{key:?}"));
                    out.push(']');
                }
                Segment::Index(index) => {
                    out.push('[');
                    push_decimal(&mut out, *index);
                    out.push(']');
                }
            }
        }
        out
    }
}

fn push_decimal(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in digits[..len].iter().rev() {
        out.push(char::from(d));
    }
}

impl fmt::Display for FieldPath {
    /// Dotted form; keys that contain dots or other punctuation (annotation
    /// names, for instance) are written in brackets and quotes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_dotted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_dotted_and_bracketed_segments() {
        let path = FieldPath::root()
            .join("metadata")
            .join("annotations")
            .join("container.apparmor.security.beta.kubernetes.io/app".to_string());
        assert_eq!(
            path.to_string(),
            r#"metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]"#
        );
        let path = FieldPath::root()
            .join_all(&["spec", "containers"])
            .join(2)
            .join("image");
        assert_eq!(path.to_string(), "spec.containers[2].image");
    }

    #[test]
    fn resolves_through_values() {
        let value = serde_json::json!({"spec": {"containers": [{"name": "a"}]}});
        let path = FieldPath::root()
            .join_all(&["spec", "containers"])
            .join(0)
            .join("name");
        assert_eq!(path.resolve(&value), Some(&serde_json::json!("a")));
        assert_eq!(FieldPath::root().join("nope").resolve(&value), None);
    }
}
