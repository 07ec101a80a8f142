//! Effective settings: what a component actually uses.
//!
//! With a configuration file, a command-line flag beats the file and the
//! file beats the built-in default (the kubelet's precedence), except
//! where the component ignores its flags: etcd with `--config-file`
//! ignores all of them, kube-proxy and kube-scheduler some. The default
//! itself depends on whether a file is used at all: the kubelet's
//! `--read-only-port` defaults to 10255, its `readOnlyPort` to 0. Empty
//! values in a file are unset, as the components read them.

use std::fmt;

use serde_json::Value;

use crate::model::Component;

/// How repeated flags combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The last occurrence wins.
    Scalar,
    /// A comma-separated list: occurrences append.
    List,
    /// `key=value` pairs (feature gates): occurrences merge key by key,
    /// and flag keys win over the configuration file's.
    Map,
}

/// One setting of a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The flag, without dashes.
    pub flag: &'static str,
    /// The key in the component's configuration file (dotted path; `a[].b`
    /// gathers `b` from every item of the list `a`), for settings that
    /// have one.
    pub config_key: Option<&'static str>,
    /// The default when no configuration file is used.
    pub flag_default: Option<&'static str>,
    /// The default when a configuration file is used but does not set it.
    pub config_default: Option<&'static str>,
    pub shape: Shape,
    /// The component ignores the flag when it has a configuration file.
    pub flag_ignored_with_config: bool,
    /// A zero duration in the file is replaced by the default (the
    /// kubelet's defaulting of non-pointer durations).
    pub zero_means_default: bool,
}

impl Setting {
    /// A flag-only setting.
    pub const fn flag(flag: &'static str, default: Option<&'static str>) -> Self {
        Setting {
            flag,
            config_key: None,
            flag_default: default,
            config_default: default,
            shape: Shape::Scalar,
            flag_ignored_with_config: false,
            zero_means_default: false,
        }
    }

    /// A setting with a configuration-file key; `flag_default` applies
    /// without a file, `config_default` with one.
    pub const fn both(
        flag: &'static str,
        config_key: &'static str,
        flag_default: Option<&'static str>,
        config_default: Option<&'static str>,
    ) -> Self {
        Setting {
            config_key: Some(config_key),
            config_default,
            ..Setting::flag(flag, flag_default)
        }
    }

    pub const fn list(self) -> Self {
        Setting {
            shape: Shape::List,
            ..self
        }
    }

    pub const fn map(self) -> Self {
        Setting {
            shape: Shape::Map,
            ..self
        }
    }

    pub const fn ignored_with_config(self) -> Self {
        Setting {
            flag_ignored_with_config: true,
            ..self
        }
    }

    pub const fn zero_means_default(self) -> Self {
        Setting {
            zero_means_default: true,
            ..self
        }
    }
}

/// Where an effective value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag,
    ConfigFile {
        path: String,
        key: &'static str,
    },
    /// Nothing set it; `with_config` tells which default applied.
    Default {
        with_config: bool,
    },
}

/// The value a component uses for a setting, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    pub setting: Setting,
    /// `None`: unset, and the setting has no default.
    pub value: Option<String>,
    pub origin: Origin,
    /// The flag as given on a command line that ignores it (the component
    /// reads a configuration file instead).
    pub ignored_flag: Option<String>,
}

impl fmt::Display for Effective {
    /// Evidence in one line: `--anonymous-auth=false (flag)`,
    /// `authentication.anonymous.enabled: false (/var/lib/kubelet/config.yaml)`,
    /// `--profiling not set (default true)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_value(f)?;
        if let Some(ignored) = &self.ignored_flag {
            write!(
                f,
                "; --{}={ignored} is ignored with a configuration file",
                self.setting.flag
            )?;
        }
        Ok(())
    }
}

impl Effective {
    fn fmt_value(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flag = self.setting.flag;
        match (&self.origin, &self.value) {
            (Origin::Flag, Some(v)) => write!(f, "--{flag}={v}"),
            (Origin::Flag, None) => write!(f, "--{flag}"),
            (Origin::ConfigFile { path, key }, Some(v)) => write!(f, "{key}: {v} in {path}"),
            (Origin::ConfigFile { path, key }, None) => write!(f, "{key} in {path}"),
            (Origin::Default { with_config }, value) => {
                let what = match (with_config, self.setting.config_key) {
                    (true, Some(key)) => format!("--{flag} and {key} not set"),
                    _ => format!("--{flag} not set"),
                };
                match value {
                    Some(v) => write!(f, "{what} (default {v})"),
                    None => f.write_str(&what),
                }
            }
        }
    }
}

/// Why a setting could not be determined.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--{flag} is not set and the configuration file could not be used: {reason}")]
pub struct Undetermined {
    pub flag: &'static str,
    pub reason: String,
}

/// The value `component` uses for `setting`.
pub fn effective(component: &Component, setting: Setting) -> Result<Effective, Undetermined> {
    let with_file = component.config.is_some();
    let flags_ignored =
        with_file && (component.kind.config_replaces_flags() || setting.flag_ignored_with_config);
    let given = flag_value(component, setting);
    let (from_flags, ignored_flag) = if flags_ignored {
        (None, given)
    } else {
        (given, None)
    };
    let undetermined = |reason: &String| Undetermined {
        flag: setting.flag,
        reason: reason.clone(),
    };
    // A scalar or list flag decides alone; a map flag is merged over the
    // file below.
    if let (Some(value), Shape::Scalar | Shape::List) = (&from_flags, setting.shape) {
        return Ok(Effective {
            setting,
            value: Some(value.clone()),
            origin: Origin::Flag,
            ignored_flag: None,
        });
    }
    let from_file = match (&component.config, setting.config_key) {
        (Some(Ok(config)), Some(key)) => file_value(config, key, setting),
        (Some(Err(reason)), Some(_)) => return Err(undetermined(reason)),
        // Flags ignored for a file that could not be read: nothing is known.
        (Some(Err(reason)), None) if flags_ignored => return Err(undetermined(reason)),
        _ => None,
    };
    let merged = match (from_flags, from_file) {
        (Some(flag), Some((file, _))) => Some((merge_pairs(&file, &flag), Origin::Flag)),
        (Some(flag), None) => Some((flag, Origin::Flag)),
        (None, Some((file, origin))) => Some((file, origin)),
        (None, None) => None,
    };
    if let Some((value, origin)) = merged {
        return Ok(Effective {
            setting,
            value: Some(value),
            origin,
            ignored_flag,
        });
    }
    let default = if with_file && setting.config_key.is_some() {
        setting.config_default
    } else {
        setting.flag_default
    };
    Ok(Effective {
        setting,
        value: default.map(str::to_string),
        origin: Origin::Default {
            with_config: with_file,
        },
        ignored_flag,
    })
}

fn flag_value(component: &Component, setting: Setting) -> Option<String> {
    match setting.shape {
        Shape::Scalar => component.flags.get(setting.flag).map(str::to_string),
        Shape::List => {
            let all = component.flags.all(setting.flag);
            (!all.is_empty()).then(|| all.join(","))
        }
        Shape::Map => {
            let all = component.flags.all(setting.flag);
            (!all.is_empty()).then(|| {
                all.iter()
                    .fold(String::new(), |acc, next| merge_pairs(&acc, next))
            })
        }
    }
}

/// The value in the configuration file and its drop-ins (the last
/// drop-in that has the key wins; `null` there removes it), with where it
/// came from. Empty values, and zero durations where the component
/// replaces them, count as unset.
fn file_value(
    config: &crate::model::ConfigFile,
    key: &'static str,
    setting: Setting,
) -> Option<(String, Origin)> {
    let layers = config
        .dropins
        .iter()
        .rev()
        .map(|(path, value)| (path, value))
        .chain(std::iter::once((&config.path, &config.value)));
    for (path, document) in layers {
        match lookup(document, key) {
            None => continue,
            Some(Value::Null) => return None,
            Some(value) => {
                let text = flag_text(&value)?;
                if text.trim().is_empty() || (setting.zero_means_default && is_zero_duration(&text))
                {
                    return None;
                }
                return Some((
                    text,
                    Origin::ConfigFile {
                        path: path.clone(),
                        key,
                    },
                ));
            }
        }
    }
    None
}

/// `key=value` lists merged: keys of `over` replace those of `base`.
fn merge_pairs(base: &str, over: &str) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for item in base.split(',').chain(over.split(',')) {
        let Some((k, v)) = item.split_once('=') else {
            continue;
        };
        let (k, v) = (k.trim().to_string(), v.trim().to_string());
        match pairs.iter_mut().find(|(existing, _)| *existing == k) {
            Some(pair) => pair.1 = v,
            None => pairs.push((k, v)),
        }
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether a Go duration is zero: every number in it is zero (`0`, `0s`,
/// `0h0m0s`).
pub fn is_zero_duration(text: &str) -> bool {
    let digits: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|s| !s.is_empty())
        .collect();
    !digits.is_empty()
        && digits
            .iter()
            .all(|d| d.parse::<f64>().is_ok_and(|n| n == 0.0))
}

/// The value at a dotted key; `list[]` steps into every item of a list.
fn lookup(value: &Value, key: &str) -> Option<Value> {
    let (part, rest) = match key.split_once('.') {
        Some((part, rest)) => (part, Some(rest)),
        None => (key, None),
    };
    if let Some(field) = part.strip_suffix("[]") {
        let items = value.get(field)?.as_array()?;
        let found: Vec<Value> = items
            .iter()
            .filter_map(|item| match rest {
                Some(rest) => lookup(item, rest),
                None => Some(item.clone()),
            })
            .collect();
        return Some(Value::Array(found));
    }
    let next = value.get(part)?;
    match rest {
        Some(rest) => lookup(next, rest),
        None => Some(next.clone()),
    }
}

fn flag_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(flag_text)
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::Object(map) => Some(
            map.iter()
                .filter_map(|(k, v)| Some(format!("{k}={}", flag_text(v)?)))
                .collect::<Vec<_>>()
                .join(","),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Flags;
    use crate::model::{ComponentKind, ConfigFile, Source};

    const READ_ONLY_PORT: Setting =
        Setting::both("read-only-port", "readOnlyPort", Some("10255"), Some("0"));

    fn kubelet(flags: &[&str], config: Option<Result<Value, String>>) -> Component {
        Component {
            kind: ComponentKind::Kubelet,
            source: Source::Process { pid: 1 },
            flags: Flags::parse(flags),
            manifest: None,
            view: crate::model::PathView::Host,
            config: config.map(|c| {
                c.map(|value| ConfigFile {
                    path: "/var/lib/kubelet/config.yaml".into(),
                    value,
                    dropins: Vec::new(),
                })
            }),
            image_version: None,
        }
    }

    #[test]
    fn flag_beats_file_beats_default() {
        let file = serde_json::json!({"readOnlyPort": 10255});
        let by_flag = effective(
            &kubelet(&["--read-only-port=0"], Some(Ok(file.clone()))),
            READ_ONLY_PORT,
        )
        .unwrap();
        assert_eq!(
            (by_flag.value.as_deref(), &by_flag.origin),
            (Some("0"), &Origin::Flag)
        );
        let by_file = effective(&kubelet(&[], Some(Ok(file))), READ_ONLY_PORT).unwrap();
        assert_eq!(by_file.value.as_deref(), Some("10255"));
        assert_eq!(
            by_file.to_string(),
            "readOnlyPort: 10255 in /var/lib/kubelet/config.yaml"
        );
        let file_default = effective(
            &kubelet(&[], Some(Ok(serde_json::json!({})))),
            READ_ONLY_PORT,
        )
        .unwrap();
        assert_eq!(file_default.value.as_deref(), Some("0"));
        let flag_default = effective(&kubelet(&[], None), READ_ONLY_PORT).unwrap();
        assert_eq!(flag_default.value.as_deref(), Some("10255"));
        assert_eq!(
            flag_default.to_string(),
            "--read-only-port not set (default 10255)"
        );
    }

    #[test]
    fn an_unusable_file_matters_only_when_the_flag_is_absent() {
        let broken = Some(Err("line 3: bad indentation".to_string()));
        assert!(effective(
            &kubelet(&["--read-only-port=0"], broken.clone()),
            READ_ONLY_PORT
        )
        .is_ok());
        let error = effective(&kubelet(&[], broken), READ_ONLY_PORT).unwrap_err();
        assert!(error.to_string().contains("bad indentation"), "{error}");
    }

    #[test]
    fn lists_gather_maps_merge_and_empty_values_are_unset() {
        let modes = Setting::flag("authorization-mode", Some("AlwaysAllow")).list();
        let gates = Setting::both("feature-gates", "featureGates", None, None).map();
        let idle = Setting::both(
            "streaming-connection-idle-timeout",
            "streamingConnectionIdleTimeout",
            Some("4h0m0s"),
            Some("4h0m0s"),
        )
        .zero_means_default();
        let file = serde_json::json!({
            "featureGates": {"RotateKubeletServerCertificate": false, "Other": true},
            "streamingConnectionIdleTimeout": "0s",
            "readOnlyPort": null,
        });
        let k = kubelet(
            &[
                "--authorization-mode=AlwaysAllow",
                "--authorization-mode=Node,RBAC",
                "--feature-gates=Foo=true",
            ],
            Some(Ok(file)),
        );
        assert_eq!(
            effective(&k, modes).unwrap().value.as_deref(),
            Some("AlwaysAllow,Node,RBAC")
        );
        assert_eq!(
            effective(&k, gates).unwrap().value.as_deref(),
            Some("Other=true,RotateKubeletServerCertificate=false,Foo=true")
        );
        assert_eq!(
            effective(&k, idle).unwrap().value.as_deref(),
            Some("4h0m0s")
        );
        assert_eq!(
            effective(&k, READ_ONLY_PORT).unwrap().value.as_deref(),
            Some("0")
        );
    }

    #[test]
    fn ignored_flags_and_list_projection() {
        let profiling = Setting::both("profiling", "enableProfiling", Some("true"), Some("true"))
            .ignored_with_config();
        let mut scheduler = kubelet(&["--profiling=false"], Some(Ok(serde_json::json!({}))));
        scheduler.kind = ComponentKind::Scheduler;
        let value = effective(&scheduler, profiling).unwrap();
        assert_eq!(
            value.value.as_deref(),
            Some("true"),
            "--profiling is ignored with --config"
        );
        let authorizers = serde_json::json!({"authorizers": [{"type": "Node"}, {"type": "RBAC", "name": "rbac"}]});
        assert_eq!(
            lookup(&authorizers, "authorizers[].type"),
            Some(serde_json::json!(["Node", "RBAC"]))
        );
    }
}
