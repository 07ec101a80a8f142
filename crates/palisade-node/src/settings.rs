//! Effective settings: what a component actually uses. For components with
//! a configuration file the kubelet's precedence applies: a command-line
//! flag beats the file, and the file beats the built-in default. The
//! default itself depends on whether a file is used at all: the kubelet's
//! `--read-only-port` defaults to 10255, its `readOnlyPort` to 0.

use std::fmt;

use serde_json::Value;

use crate::model::Component;

/// One setting of a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The flag, without dashes.
    pub flag: &'static str,
    /// The key in the component's configuration file (dotted path), for
    /// settings that have one.
    pub config_key: Option<&'static str>,
    /// The default when no configuration file is used.
    pub flag_default: Option<&'static str>,
    /// The default when a configuration file is used but does not set it.
    pub config_default: Option<&'static str>,
}

impl Setting {
    /// A flag-only setting.
    pub const fn flag(flag: &'static str, default: Option<&'static str>) -> Self {
        Setting {
            flag,
            config_key: None,
            flag_default: default,
            config_default: default,
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
            flag,
            config_key: Some(config_key),
            flag_default,
            config_default,
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
}

impl fmt::Display for Effective {
    /// Evidence in one line: `--anonymous-auth=false (flag)`,
    /// `authentication.anonymous.enabled: false (/var/lib/kubelet/config.yaml)`,
    /// `--profiling not set (default true)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
    let flags_ignored = component.kind.config_replaces_flags() && component.config.is_some();
    if let Some(value) = component.flags.get(setting.flag).filter(|_| !flags_ignored) {
        return Ok(Effective {
            setting,
            value: Some(value.to_string()),
            origin: Origin::Flag,
        });
    }
    let with_config = match (&component.config, setting.config_key) {
        (Some(Ok(config)), Some(key)) => {
            // The last drop-in that sets the key wins, then the file.
            let layers = config
                .dropins
                .iter()
                .rev()
                .map(|(path, value)| (path, value))
                .chain(std::iter::once((&config.path, &config.value)));
            for (path, document) in layers {
                if let Some(value) = lookup(document, key) {
                    return Ok(Effective {
                        setting,
                        value: Some(value),
                        origin: Origin::ConfigFile {
                            path: path.clone(),
                            key,
                        },
                    });
                }
            }
            true
        }
        (Some(Err(reason)), Some(_)) => {
            return Err(Undetermined {
                flag: setting.flag,
                reason: reason.clone(),
            })
        }
        (Some(_), None) => true,
        (None, _) => false,
    };
    let default = if with_config && setting.config_key.is_some() {
        setting.config_default
    } else {
        setting.flag_default
    };
    Ok(Effective {
        setting,
        value: default.map(str::to_string),
        origin: Origin::Default { with_config },
    })
}

/// A configuration value as the equivalent flag would spell it: lists
/// comma-joined, `null` as unset.
fn lookup(document: &Value, key: &str) -> Option<String> {
    let mut value = document;
    for part in key.split('.') {
        value = value.get(part)?;
    }
    flag_text(value)
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
}
