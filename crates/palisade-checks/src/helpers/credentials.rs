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

/// Formats recognisable by a fixed prefix; showing that prefix in a
/// redacted value says what the credential is without weakening it.
static PREFIXED: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
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
    ]
});

/// `scheme://[user]:password@host`; the password is checked separately so
/// that references such as `$(DB_PASSWORD)` do not count.
static URL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@")
        .expect("built-in URL pattern compiles")
});

/// Name endings (as `_`-separated words) that say a variable holds a
/// secret. Matching whole final words keeps `TOKENIZER`, `TOKEN_TTL` and
/// `SECRETS_MANAGER_REGION` out.
const SECRET_NAME_ENDINGS: [&[&str]; 20] = [
    &["PASSWORD"],
    &["PASSWD"],
    &["PASS"],
    &["PWD"],
    &["PASSPHRASE"],
    &["SECRET"],
    &["TOKEN"],
    &["APIKEY"],
    &["CREDENTIAL"],
    &["CREDENTIALS"],
    &["API", "KEY"],
    &["PRIVATE", "KEY"],
    &["ACCESS", "KEY"],
    &["SECRET", "KEY"],
    &["ENCRYPTION", "KEY"],
    &["SIGNING", "KEY"],
    &["MASTER", "KEY"],
    &["KEY", "BASE"],
    &["BASIC", "AUTH"],
    &["AUTH", "KEY"],
];

/// Single-word names that end in a secret noun (`PGPASSWORD`).
const GLUED_ENDINGS: [&str; 4] = ["PASSWORD", "PASSWD", "SECRET", "TOKEN"];

/// What a credential found in a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credential {
    pub kind: &'static str,
    /// The value starts with a well-known, non-secret prefix (`AKIA`,
    /// `ghp_`) that may be shown.
    pub known_prefix: bool,
}

impl Credential {
    /// The only form in which the value may be shown.
    pub fn redacted(&self, value: &str) -> String {
        if self.known_prefix {
            palisade_core::redact::redact_showing_prefix(value)
        } else {
            palisade_core::redact::redact(value)
        }
    }
}

fn names_a_secret(name: &str) -> bool {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let ends_with = |ending: &[&str]| {
        words.len() >= ending.len()
            && words[words.len() - ending.len()..]
                .iter()
                .zip(ending)
                .all(|(w, e)| w == e)
    };
    SECRET_NAME_ENDINGS.iter().any(|e| ends_with(e))
        || (words.len() == 1 && GLUED_ENDINGS.iter().any(|g| words[0].ends_with(g)))
}

fn is_reference_or_trivial(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.chars().count() < 3
        || v.contains("$(")
        || v.contains("${")
        || v.contains("{{")
        || v.starts_with('/')
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.bytes().all(|b| b.is_ascii_digit()) && v.len() < 6)
        || ["true", "false", "yes", "no", "none", "null", "nil"].contains(&lower.as_str())
        || (v.contains("://") && !v.contains('@'))
}

/// A URL's password part that is a value rather than a reference or a
/// mask (`$(PW)`, `${PW}`, `{{ .pw }}`, `****`).
fn is_literal_password(password: &str) -> bool {
    !password.is_empty()
        && !password.contains("$(")
        && !password.contains("${")
        && !password.contains("{{")
        && !password.bytes().all(|b| b == b'*')
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
pub fn classify(name: &str, value: &str) -> Option<Credential> {
    if let Some(found) = classify_format(value) {
        return Some(found);
    }
    if names_a_secret(name) && !is_reference_or_trivial(value) {
        return Some(Credential {
            kind: "secret",
            known_prefix: false,
        });
    }
    if is_high_entropy_token(value) {
        return Some(Credential {
            kind: "high-entropy string",
            known_prefix: false,
        });
    }
    None
}

/// Only the unmistakable signals: a well-known credential format or a URL
/// with a password. For free-form text such as annotations, where names
/// say little and long random-looking values (CA bundles, hashes) abound.
pub fn classify_format(value: &str) -> Option<Credential> {
    for p in PREFIXED.iter() {
        if let Some(m) = p.regex.find(value) {
            // The prefix may be shown only when the value starts with it:
            // otherwise the first characters are something else.
            return Some(Credential {
                kind: p.kind,
                known_prefix: m.start() == 0,
            });
        }
    }
    let found = |kind| {
        Some(Credential {
            kind,
            known_prefix: false,
        })
    };
    let url_password = URL_PASSWORD
        .captures_iter(value)
        .filter_map(|c| c.get(1))
        .any(|p| is_literal_password(p.as_str()));
    if url_password {
        return found("password in URL");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str, value: &str) -> Option<&'static str> {
        classify(name, value).map(|c| c.kind)
    }

    #[test]
    fn recognises_known_formats() {
        assert_eq!(kind("X", "AKIAIOSFODNN7EXAMPLE"), Some("AWS access key ID"));
        assert_eq!(
            kind("X", "-----BEGIN RSA PRIVATE KEY-----\nabc"),
            Some("private key")
        );
        assert_eq!(
            kind("X", &format!("ghp_{}", "a".repeat(36))),
            Some("GitHub token")
        );
        assert_eq!(
            kind("X", "postgres://app:s3cretpw@db:5432/app"),
            Some("password in URL")
        );
        assert_eq!(
            kind("X", "postgres://app:pw@db/app"),
            Some("password in URL")
        );
        assert_eq!(
            kind("X", "redis://:supersecretpw@redis:6379/0"),
            Some("password in URL")
        );
        assert_eq!(kind("X", "postgres://app:$(DB_PASSWORD)@db/app"), None);
        assert_eq!(kind("X", "https://example.com/path"), None);
    }

    #[test]
    fn recognises_named_literals_but_not_references() {
        assert_eq!(kind("DB_PASSWORD", "changeme"), Some("secret"));
        assert_eq!(kind("MYSQL_ROOT_PASSWORD", "root"), Some("secret"));
        assert_eq!(kind("REDIS_PASSWORD", "123456"), Some("secret"));
        assert_eq!(kind("MYSQL_PWD", "s3cr3t"), Some("secret"));
        assert_eq!(kind("PGPASSWORD", "s3cr3t"), Some("secret"));
        assert_eq!(
            kind("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI"),
            Some("secret")
        );
        assert_eq!(kind("BASIC_AUTH", "admin:hunter22"), Some("secret"));
        assert_eq!(kind("DB_PASSWORD", "$(FROM_SECRET)"), None);
        assert_eq!(kind("PASSWORD_FILE", "/run/secrets/db"), None);
        assert_eq!(kind("TOKEN_TTL", "3600"), None);
        assert_eq!(kind("TOKENIZER", "bert-base-uncased"), None);
        assert_eq!(kind("TOKEN_AUDIENCE", "my-service"), None);
        assert_eq!(kind("SECRETS_MANAGER_REGION", "us-east-1"), None);
        assert_eq!(kind("CREDENTIALS_PROVIDER", "default-chain"), None);
        assert_eq!(kind("LOG_LEVEL", "debug"), None);
        assert_eq!(kind("PWD", "/home/app"), None);
    }

    #[test]
    fn entropy_ignores_hex_digests() {
        let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(kind("CHECKSUM", sha), None);
        assert_eq!(
            kind("X", "q8Zr4T1vLw9XyBn2Kp7Hs3Jd6Fg0Mc5Va8Qe"),
            Some("high-entropy string")
        );
    }

    #[test]
    fn only_known_prefixes_are_shown() {
        let aws = classify("X", "AKIAIOSFODNN7EXAMPLE").unwrap();
        assert!(aws.redacted("AKIAIOSFODNN7EXAMPLE").contains("AKIA"));
        let password = classify("DB_PASSWORD", "CorrectHorseBattery").unwrap();
        assert!(!password.redacted("CorrectHorseBattery").contains("Corr"));
    }
}
