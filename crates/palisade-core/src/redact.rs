//! The only ways secret material is ever shown: its length, plus at most a
//! four-character prefix for credentials whose prefix is a public marker
//! of their type (`AKIA`, `ghp_`) rather than part of the secret.

/// A redacted description of `value`: `[REDACTED 12 chars]`.
pub fn redact(value: &str) -> String {
    format!("[REDACTED {} chars]", value.chars().count())
}

/// For credentials with a well-known prefix only:
/// `[REDACTED 40 chars, starts "AKIA"]`.
pub fn redact_showing_prefix(value: &str) -> String {
    let len = value.chars().count();
    if len >= 16 {
        let prefix: String = value.chars().take(4).collect();
        format!("[REDACTED {len} chars, starts {prefix:?}]")
    } else {
        format!("[REDACTED {len} chars]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shows_more_than_four_characters() {
        let secret = "AKIAIOSFODNN7EXAMPLE";
        let shown = redact_showing_prefix(secret);
        assert!(shown.contains("AKIA"));
        assert!(!shown.contains("AKIAI"));
        assert_eq!(redact_showing_prefix("hunter2"), "[REDACTED 7 chars]");
        assert_eq!(redact(secret), "[REDACTED 20 chars]");
    }
}
