//! Command lines as Kubernetes components read them (spf13/pflag): flags
//! are `--name=value`, `--name value`, or a bare `--name` for a boolean
//! (which never takes the next word). Names are normalised as the
//! components do (`--authorization_mode` is `--authorization-mode`). When a
//! flag repeats, a scalar takes the last value while a list flag gathers
//! every occurrence: see [`Flags::get`] and [`Flags::all`].

/// Boolean flags of the components: bare, they mean true, and the word
/// after them is never their value.
const BOOLEAN_FLAGS: &[&str] = &[
    "allow-privileged",
    "alsologtostderr",
    "anonymous-auth",
    "authentication-token-webhook",
    "auto-tls",
    "cgroups-per-qos",
    "client-cert-auth",
    "contention-profiling",
    "enable-aggregator-routing",
    "enable-bootstrap-token-auth",
    "enable-debugging-handlers",
    "enable-pprof",
    "enable-priority-and-fairness",
    "enable-server",
    "enable-v2",
    "fail-swap-on",
    "leader-elect",
    "logtostderr",
    "make-iptables-util-chains",
    "peer-auto-tls",
    "peer-client-cert-auth",
    "profiling",
    "protect-kernel-defaults",
    "rotate-certificates",
    "rotate-server-certificates",
    "serialize-image-pulls",
    "service-account-lookup",
    "strict-reconfig-check",
    "use-service-account-credentials",
];

/// The flags of one command line, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    entries: Vec<(String, String)>,
}

impl Flags {
    /// Parses `args` (without the program name) as a Kubernetes component
    /// does, `_` in names read as `-`. Words that are not flags and do not
    /// follow one (subcommands such as `hyperkube kubelet`) are ignored.
    pub fn parse<S: AsRef<str>>(args: &[S]) -> Self {
        Self::parse_with(args, true)
    }

    /// Parses without normalising names: etcd's flags are taken as written.
    pub fn parse_exact<S: AsRef<str>>(args: &[S]) -> Self {
        Self::parse_with(args, false)
    }

    fn parse_with<S: AsRef<str>>(args: &[S], normalize: bool) -> Self {
        let name_of = |raw: &str| {
            if normalize {
                raw.replace('_', "-")
            } else {
                raw.to_string()
            }
        };
        let mut entries = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let word = args[i].as_ref();
            i += 1;
            if word == "--" {
                break;
            }
            let Some(body) = word.strip_prefix("--").or_else(|| word.strip_prefix('-')) else {
                continue;
            };
            if body.is_empty() {
                // A lone `-` is an argument (standard input), not a flag.
                continue;
            }
            if let Some((name, value)) = body.split_once('=') {
                entries.push((name_of(name), value.to_string()));
                continue;
            }
            let name = name_of(body);
            if BOOLEAN_FLAGS.contains(&name.as_str()) {
                entries.push((name, "true".to_string()));
                continue;
            }
            // Any other flag takes the next word as its value, even one
            // starting with a single dash (`--pod-max-pids -1`); a word
            // starting with `--` is the next flag, and this one was given
            // bare.
            match args.get(i).map(AsRef::as_ref) {
                Some(next) if !next.starts_with("--") => {
                    entries.push((name, next.to_string()));
                    i += 1;
                }
                _ => entries.push((name, "true".to_string())),
            }
        }
        Flags { entries }
    }

    /// Adds flags in front, so that those already here win over them
    /// (etcd's environment under its command line).
    pub fn with_defaults(mut self, defaults: Flags) -> Self {
        let mut entries = defaults.entries;
        entries.append(&mut self.entries);
        self.entries = entries;
        self
    }

    /// The value of `--name` (given without dashes): the last occurrence,
    /// as for a scalar flag.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every occurrence of `--name`, in order: a list flag
    /// (`--enable-admission-plugins`) appends them all.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
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
            "--pod-max-pids",
            "-1",
            "--authorization_mode=AlwaysAllow",
            "--audit-log-path",
            "-",
            "-x",
        ]);
        assert_eq!(flags.get("anonymous-auth"), Some("false"));
        assert_eq!(flags.get("read-only-port"), Some("0"));
        assert_eq!(flags.get("rotate-certificates"), Some("true"));
        assert_eq!(flags.get("pod-max-pids"), Some("-1"));
        assert_eq!(flags.get("authorization-mode"), Some("AlwaysAllow"));
        assert_eq!(flags.get("audit-log-path"), Some("-"));
        assert_eq!(flags.get("x"), Some("true"));
        assert_eq!(flags.get("profiling"), None);
    }

    #[test]
    fn booleans_never_take_the_next_word_and_lists_gather() {
        // `--profiling false` is `--profiling` (true) and a stray word.
        let flags = Flags::parse(&[
            "--profiling",
            "false",
            "--enable-admission-plugins=AlwaysAdmit",
            "--enable-admission-plugins=NodeRestriction",
        ]);
        assert_eq!(flags.get("profiling"), Some("true"));
        assert_eq!(
            flags.all("enable-admission-plugins"),
            vec!["AlwaysAdmit", "NodeRestriction"]
        );
        assert_eq!(
            Flags::parse_exact(&["--data_dir=/x"]).get("data_dir"),
            Some("/x")
        );
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
