//! Plain-scalar resolution as Kubernetes sees it.
//!
//! kubectl and the API machinery read YAML through go-yaml v2 (YAML 1.1
//! rules) and convert to JSON. So `0644` is the octal number 420, `yes` and
//! `on` are booleans, `1_000` is 1000, and a float with no fraction becomes
//! an integer in JSON. Checks must see the values Kubernetes would see.

use serde_json::{Number, Value};

/// The JSON value of a plain (unquoted) scalar.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Value::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            // JSON has no infinities or NaN; the API server would reject
            // the object. Null keeps the document loadable.
            return Value::Null;
        }
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.' {
        if let Some(number) = resolve_number(text) {
            return number;
        }
    }
    Value::String(text.to_string())
}

fn resolve_number(text: &str) -> Option<Value> {
    let cleaned: String;
    let text = if text.contains('_') {
        cleaned = text.replace('_', "");
        &cleaned
    } else {
        text
    };
    if let Some(i) = parse_int(text) {
        return Some(Value::Number(Number::from(i)));
    }
    if let Ok(u) = text.strip_prefix('+').unwrap_or(text).parse::<u64>() {
        return Some(Value::Number(Number::from(u)));
    }
    if is_yaml_float(text) {
        let f: f64 = text.parse().ok()?;
        // JSON conversion writes whole floats without a fraction, so the
        // API server sees an integer.
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            return Some(Value::Number(Number::from(f as i64)));
        }
        return Number::from_f64(f).map(Value::Number);
    }
    None
}

/// Integers as Go's `strconv.ParseInt(s, 0, 64)` reads them: optional sign,
/// then `0x` hex, `0o` or leading-`0` octal, `0b` binary, or decimal.
fn parse_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(rest) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// go-yaml's float syntax: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_yaml_float(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// The JSON object key for a plain scalar key: JSON keys are strings, so a
/// key that YAML reads as a number or boolean is written as JSON would.
pub fn plain_key(text: &str) -> String {
    match resolve_plain(text) {
        Value::String(s) => s,
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_like_kubernetes() {
        assert_eq!(resolve_plain("0644"), json!(420));
        assert_eq!(resolve_plain("0o644"), json!(420));
        assert_eq!(resolve_plain("0x1F"), json!(31));
        assert_eq!(resolve_plain("0b101"), json!(5));
        assert_eq!(resolve_plain("1_000"), json!(1000));
        assert_eq!(resolve_plain("-42"), json!(-42));
        assert_eq!(
            resolve_plain("12345678901234567890"),
            json!(12345678901234567890u64)
        );
        assert_eq!(resolve_plain("09"), json!(9));
        assert_eq!(resolve_plain("1.5"), json!(1.5));
        assert_eq!(resolve_plain("1e3"), json!(1000));
        assert_eq!(resolve_plain("yes"), json!(true));
        assert_eq!(resolve_plain("Off"), json!(false));
        assert_eq!(resolve_plain("~"), json!(null));
        assert_eq!(resolve_plain(".inf"), json!(null));
        assert_eq!(resolve_plain("1.2.3"), json!("1.2.3"));
        assert_eq!(resolve_plain("-"), json!("-"));
        assert_eq!(resolve_plain("."), json!("."));
        assert_eq!(resolve_plain("100m"), json!("100m"));
        assert_eq!(resolve_plain("nginx:1.25"), json!("nginx:1.25"));
        assert_eq!(resolve_plain("0x"), json!("0x"));
    }

    #[test]
    fn keys_become_json_strings() {
        assert_eq!(plain_key("on"), "true");
        assert_eq!(plain_key("10"), "10");
        assert_eq!(plain_key("app"), "app");
    }
}
