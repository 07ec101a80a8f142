//! A benchmark is data: recommendations, each with a test over the node.
//! Tests are built from a few typed rules (a setting's value, an admission
//! plugin, a file's mode or owner) and named judgement functions for what
//! needs reading a file's contents. Each release is one module; retiring a
//! release is deleting its module.

mod cis_1_10;
mod cis_1_9;
pub(crate) mod evaluate;
pub mod files;
pub mod settings;

use crate::model::{ComponentKind, Node};
use crate::settings::Setting;

pub use evaluate::{evaluate, Outcome};

/// One release of a benchmark.
#[derive(Debug, Clone)]
pub struct Benchmark {
    /// `cis-1.10`.
    pub name: &'static str,
    /// The document's own version.
    pub version: &'static str,
    /// The Kubernetes 1.x minor versions it is written for, inclusive
    /// (`(29, 31)`).
    pub kubernetes: (u32, u32),
    /// Top-level section titles.
    pub sections: &'static [(&'static str, &'static str)],
    pub recommendations: Vec<Recommendation>,
}

/// One recommendation.
#[derive(Debug, Clone)]
pub struct Recommendation {
    pub id: &'static str,
    pub title: &'static str,
    /// As the benchmark marks it; manual ones are never judged PASS.
    pub automated: bool,
    pub test: Test,
}

/// How a recommendation is judged.
#[derive(Debug, Clone)]
pub enum Test {
    /// A component's effective setting must satisfy a rule.
    Setting {
        component: ComponentKind,
        setting: Setting,
        rule: Rule,
    },
    /// An API server admission plugin must be on (or off), counting the
    /// plugins on by default.
    Admission {
        plugin: &'static str,
        enabled: bool,
    },
    /// Files must have no permission bits beyond `max`.
    FileMode {
        files: Files,
        max: u32,
    },
    /// Files must belong to `owner` (`user:group`, names from the node).
    FileOwner {
        files: Files,
        owner: &'static str,
    },
    All(Vec<Test>),
    Any(Vec<Test>),
    /// A judgement that reads more than a value (the contents of a file).
    Judge {
        component: ComponentKind,
        judge: fn(&Node) -> Outcome,
        /// What it checks, for the documentation.
        describe: &'static str,
    },
    /// A person must judge. Evidence, where some helps, is gathered by
    /// `hint`; on a node without `component`, not applicable.
    Manual {
        component: Option<ComponentKind>,
        hint: Option<fn(&Node) -> Vec<String>>,
    },
}

/// What a setting's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Equal (booleans compared as the component parses them).
    Is(&'static str),
    IsNot(&'static str),
    /// Set to a non-empty value.
    Set,
    /// A comma-separated list that holds this item.
    Includes(&'static str),
    Excludes(&'static str),
    /// A number at least this large.
    AtLeast(i64),
    /// A duration other than zero (`0`, `0s` and `0m0s` disable it).
    NonZeroDuration,
    /// Every listed item within these (TLS cipher suites).
    /// Given as groups, so that one release's list can extend another's.
    Within(&'static [&'static [&'static str]]),
    /// Not explicitly set to this value: the benchmark's "is not set to
    /// false", which an unset value passes whatever the default.
    NotSetTo(&'static str),
    /// Not set at all (by flag or configuration file).
    Unset,
    /// A listen address on the loopback interface.
    Loopback,
    /// A feature gate not turned off in a `key=value` list (its default
    /// is on).
    GateNotOff(&'static str),
}

/// Files a test is about: a description for messages and how to find them
/// on the node.
#[derive(Clone, Copy)]
pub struct Files {
    pub describe: &'static str,
    /// `Some(true)`: directories; `Some(false)`: files; `None`: either.
    /// Anything else in their place is an error, not a verdict.
    pub directory: Option<bool>,
    /// About the control plane's own files (section 1.1): not applicable
    /// on a worker, whatever copies of them it holds (`pki/ca.crt`).
    pub control_plane: bool,
    /// The node paths, from flags or the layout; absent ones are skipped.
    pub paths: fn(&Node) -> Result<Vec<String>, String>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe)
    }
}

/// Every benchmark palisade knows, newest first.
pub fn all() -> Vec<Benchmark> {
    vec![cis_1_10::benchmark(), cis_1_9::benchmark()]
}

pub fn by_name(name: &str) -> Option<Benchmark> {
    all().into_iter().find(|b| b.name == name)
}

/// The benchmark written for Kubernetes `major.minor`: the newest whose
/// range holds it, the newest for later versions, the oldest for earlier
/// ones. Returns the benchmark and whether the version was in range.
pub fn for_version(minor: u32) -> (Benchmark, bool) {
    let all = all();
    if let Some(b) = all
        .iter()
        .find(|b| (b.kubernetes.0..=b.kubernetes.1).contains(&minor))
    {
        return (b.clone(), true);
    }
    let newest = &all[0];
    if minor > newest.kubernetes.1 {
        return (newest.clone(), false);
    }
    (all[all.len() - 1].clone(), false)
}

impl Rule {
    fn describe(self) -> String {
        match self {
            Rule::Is(v) => format!("is `{v}`"),
            Rule::IsNot(v) => format!("is not `{v}`"),
            Rule::Set => "is set explicitly".to_string(),
            Rule::Includes(v) => format!("includes `{v}`"),
            Rule::Excludes(v) => format!("does not include `{v}`"),
            Rule::AtLeast(n) => format!("is at least {n}"),
            Rule::NonZeroDuration => "is not a zero duration".to_string(),
            Rule::Within(groups) => {
                let all: Vec<&str> = groups.iter().flat_map(|g| g.iter().copied()).collect();
                format!("lists only these {} suites: {}", all.len(), all.join(", "))
            }
            Rule::NotSetTo(v) => format!("is not explicitly set to `{v}`"),
            Rule::Unset => "is not set".to_string(),
            Rule::Loopback => "is a loopback address".to_string(),
            Rule::GateNotOff(gate) => format!("does not turn `{gate}` off"),
        }
    }
}

impl Test {
    /// How the test judges, in one line of Markdown, for the generated
    /// documentation.
    pub fn describe(&self) -> String {
        match self {
            Test::Setting { component, setting, rule } => {
                let name = match setting.config_key {
                    Some(key) => format!("`--{}` (or `{key}` in its configuration file)", setting.flag),
                    None => format!("`--{}`", setting.flag),
                };
                let default = match (setting.flag_default, setting.config_default) {
                    (Some(a), Some(b)) if a != b && setting.config_key.is_some() => {
                        format!("; default `{a}`, or `{b}` with a configuration file")
                    }
                    (Some(a), _) => format!("; default `{a}`"),
                    _ => String::new(),
                };
                format!("{component} {name} {}{default}", rule.describe())
            }
            Test::Admission { plugin, enabled } => format!(
                "admission plugin `{plugin}` {} (counting the plugins on by default and `--disable-admission-plugins`)",
                if *enabled { "is enabled" } else { "is not enabled" }
            ),
            Test::FileMode { files, max } => format!("{}: no permission beyond `{max:04o}`", files.describe),
            Test::FileOwner { files, owner } => format!("{}: owned by `{owner}` (names from the node's /etc/passwd and /etc/group)", files.describe),
            Test::All(tests) => tests.iter().map(Test::describe).collect::<Vec<_>>().join("; and "),
            Test::Any(tests) => tests.iter().map(Test::describe).collect::<Vec<_>>().join("; or "),
            Test::Judge { describe, .. } => describe.to_string(),
            Test::Manual { hint: Some(_), .. } => "manual; evidence gathered for the reviewer".to_string(),
            Test::Manual { .. } => "manual".to_string(),
        }
    }
}
