//! The one way secret material is ever shown: its kind, its length, and at
//! most a short prefix when the value is long enough that the prefix gives
//! nothing away (a key type such as `AKIA` or `ghp_`).

/// A redacted description of `value`, e.g. `[REDACTED 40 chars, starts "AKIA"]`.
pub fn redact(value: &str) -> String {
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
        let shown = redact(secret);
        assert!(shown.contains("AKIA"));
        assert!(!shown.contains("AKIAI"));
        assert_eq!(redact("hunter2"), "[REDACTED 7 chars]");
    }
}
