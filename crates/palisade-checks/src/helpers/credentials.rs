//! Recognising literal credentials without ever echoing them.
//!
//! Two signals, as secret scanners use: the value matches a well-known
//! credential format (a cloud key ID, a private key block, a token with a
//! fixed prefix, a JWT, a URL with a password), or the variable's name says
//! it holds a secret and the value is a literal rather than a reference.
//! Long random-looking strings count too (Shannon entropy), but only in the
//! base64 alphabet and above the entropy that hex digests can reach, so
//! checksums do not trip it.

use std::sync::LazyLock;

use regex::Regex;

struct Pattern {
    kind: &'static str,
    regex: Regex,
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let p = |kind, re: &str| Pattern {
        kind,
        regex: Regex::new(re).expect("built-in credential pattern compiles"),
    };
    vec![
        p(
            "AWS access key ID",
            r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b",
        ),
        p("private key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
        p(
            "GitHub token",
            r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})\b",
        ),
        p("Slack token", r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
        p("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}"),
        p("Stripe secret key", r"\b(?:sk|rk)_live_[0-9A-Za-z]{16,}"),
        p(
            "JSON Web Token",
            r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        ),
        p(
            "password in URL",
            r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s@$*{}()]{3,}@",
        ),
    ]
});

const SECRET_NAME_WORDS: [&str; 9] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
];

/// Name endings that say the variable holds something about a secret
/// (where it is, how long it lives), not the secret.
const NON_SECRET_SUFFIXES: [&str; 12] = [
    "_FILE", "_PATH", "_DIR", "_NAME", "_TTL", "_EXPIRY", "_LENGTH", "_TIMEOUT", "_ENABLED",
    "_REF", "_KEY_ID", "_ID",
];

fn is_reference_or_trivial(value: &str) -> bool {
    let v = value.trim();
    v.len() < 6
        || v.contains("$(")
        || v.contains("${")
        || v.starts_with('/')
        || v.parse::<f64>().is_ok()
        || ["true", "false", "yes", "no", "none", "null"].contains(&v.to_ascii_lowercase().as_str())
        || (v.contains("://") && !v.contains('@'))
}

fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

fn is_high_entropy_token(value: &str) -> bool {
    value.len() >= 32
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-'))
        && shannon_entropy(value) >= 4.5
}

/// What kind of credential `value` (held in a variable or key named
/// `name`) looks like, or `None`.
pub fn classify(name: &str, value: &str) -> Option<&'static str> {
    if let Some(p) = PATTERNS.iter().find(|p| p.regex.is_match(value)) {
        return Some(p.kind);
    }
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    let named_secret = SECRET_NAME_WORDS.iter().any(|w| upper.contains(w))
        && !NON_SECRET_SUFFIXES.iter().any(|s| upper.ends_with(s));
    if named_secret && !is_reference_or_trivial(value) {
        return Some("secret");
    }
    if is_high_entropy_token(value) {
        return Some("high-entropy string");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_known_formats() {
        assert_eq!(
            classify("X", "AKIAIOSFODNN7EXAMPLE"),
            Some("AWS access key ID")
        );
        assert_eq!(
            classify("X", "-----BEGIN RSA PRIVATE KEY-----\nabc"),
            Some("private key")
        );
        assert_eq!(
            classify("X", "postgres://app:s3cretpw@db:5432/app"),
            Some("password in URL")
        );
        assert_eq!(classify("X", "postgres://app:$(DB_PASSWORD)@db/app"), None);
        assert_eq!(
            classify("X", &format!("ghp_{}", "a".repeat(36))),
            Some("GitHub token")
        );
    }

    #[test]
    fn recognises_named_literals_but_not_references() {
        assert_eq!(classify("DB_PASSWORD", "changeme"), Some("secret"));
        assert_eq!(classify("DB_PASSWORD", "$(FROM_SECRET)"), None);
        assert_eq!(classify("PASSWORD_FILE", "/run/secrets/db"), None);
        assert_eq!(classify("TOKEN_TTL", "3600"), None);
        assert_eq!(classify("LOG_LEVEL", "debug"), None);
    }

    #[test]
    fn entropy_ignores_hex_digests() {
        let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(classify("CHECKSUM", sha), None);
        assert_eq!(
            classify("X", "q8Zr4T1vLw9XyBn2Kp7Hs3Jd6Fg0Mc5Va8Qe"),
            Some("high-entropy string")
        );
    }
}
