//! Command lines as Kubernetes components read them (spf13/pflag): flags
//! are `--name=value`, `--name value`, or a bare `--name` for a boolean;
//! when a flag repeats, the last one wins.

/// The flags of one command line, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    entries: Vec<(String, String)>,
}

impl Flags {
    /// Parses `args` (without the program name). Words that are not flags
    /// and do not follow a flag (subcommands such as `hyperkube kubelet`)
    /// are ignored.
    pub fn parse<S: AsRef<str>>(args: &[S]) -> Self {
        let mut entries = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let word = args[i].as_ref();
            i += 1;
            let Some(body) = word.strip_prefix("--").or_else(|| word.strip_prefix('-')) else {
                continue;
            };
            if body.is_empty() {
                // `--` ends the flags.
                break;
            }
            if let Some((name, value)) = body.split_once('=') {
                entries.push((name.to_string(), value.to_string()));
                continue;
            }
            // Without `=`, the next word is the value unless it is itself a
            // flag: a boolean given bare.
            match args.get(i).map(AsRef::as_ref) {
                Some(next) if !next.starts_with('-') => {
                    entries.push((body.to_string(), next.to_string()));
                    i += 1;
                }
                _ => entries.push((body.to_string(), "true".to_string())),
            }
        }
        Flags { entries }
    }

    /// The value of `--name` (given without dashes), the last occurrence.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// Splits a command line written as text (a systemd `ExecStart`, an
/// environment file value) into words: whitespace separates, single and
/// double quotes group, a backslash escapes the next character.
pub fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\\') | (None, '\\') => {
                if let Some(next) = chars.next() {
                    // A backslash before a newline continues the line.
                    if next != '\n' {
                        current.push(next);
                        in_word = true;
                    }
                }
            }
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_take_every_spelling_and_the_last_wins() {
        let flags = Flags::parse(&[
            "kubelet",
            "--anonymous-auth=true",
            "--read-only-port",
            "0",
            "--rotate-certificates",
            "--v=2",
            "--anonymous-auth=false",
            "-x",
        ]);
        assert_eq!(flags.get("anonymous-auth"), Some("false"));
        assert_eq!(flags.get("read-only-port"), Some("0"));
        assert_eq!(flags.get("rotate-certificates"), Some("true"));
        assert_eq!(flags.get("x"), Some("true"));
        assert_eq!(flags.get("profiling"), None);
    }

    #[test]
    fn words_honour_quotes_and_escapes() {
        assert_eq!(
            split_words(r#"/usr/bin/kubelet "--a=b c" --d='e f' g\ h"#),
            vec!["/usr/bin/kubelet", "--a=b c", "--d=e f", "g h"]
        );
        assert_eq!(split_words(""), Vec::<String>::new());
        assert_eq!(split_words(r#"--x="""#), vec!["--x="]);
    }
}
