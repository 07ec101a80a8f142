//! Judging one recommendation on one node.

use palisade_core::node::NodeStatus;

use super::{Files, Recommendation, Rule, Test};
use crate::model::{ComponentKind, Node};
use crate::settings::{effective, is_zero_duration, Effective, Origin};

/// A verdict with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: NodeStatus,
    pub evidence: Vec<String>,
    pub reason: Option<String>,
    pub remediation: Option<String>,
}

impl Outcome {
    pub fn pass(evidence: Vec<String>) -> Self {
        Outcome {
            status: NodeStatus::Pass,
            evidence,
            reason: None,
            remediation: None,
        }
    }

    pub fn fail(evidence: Vec<String>, reason: String, remediation: String) -> Self {
        Outcome {
            status: NodeStatus::Fail,
            evidence,
            reason: Some(reason),
            remediation: Some(remediation),
        }
    }

    pub fn not_applicable(reason: impl Into<String>) -> Self {
        Outcome {
            status: NodeStatus::NotApplicable,
            evidence: Vec::new(),
            reason: Some(reason.into()),
            remediation: None,
        }
    }

    pub fn error(reason: impl Into<String>) -> Self {
        Outcome {
            status: NodeStatus::Error,
            evidence: Vec::new(),
            reason: Some(reason.into()),
            remediation: None,
        }
    }

    pub fn manual(evidence: Vec<String>) -> Self {
        Outcome {
            status: NodeStatus::Manual,
            evidence,
            reason: None,
            remediation: None,
        }
    }
}

pub fn evaluate(recommendation: &Recommendation, node: &Node) -> Outcome {
    let outcome = judge(&recommendation.test, node);
    // A manual recommendation is never reported as judged, whatever a
    // test found; an absent component stays not applicable.
    // What the test found is kept as a hint for the reviewer.
    if !recommendation.automated
        && matches!(
            outcome.status,
            NodeStatus::Pass | NodeStatus::Fail | NodeStatus::Error
        )
    {
        let hint = match (outcome.status, &outcome.reason) {
            (NodeStatus::Error, Some(reason)) => {
                format!("review: evidence could not be gathered: {reason}")
            }
            (NodeStatus::Fail, Some(reason)) => format!("review: likely not met: {reason}"),
            (NodeStatus::Fail, None) => "review: likely not met".to_string(),
            _ => "review: what was found looks compliant".to_string(),
        };
        return Outcome {
            status: NodeStatus::Manual,
            evidence: outcome.evidence,
            reason: Some(hint),
            remediation: outcome.remediation,
        };
    }
    outcome
}

fn judge(test: &Test, node: &Node) -> Outcome {
    match test {
        Test::Setting {
            component,
            setting,
            rule,
        } => with_component(node, *component, |c| {
            let source = c.source.to_string();
            match effective(c, *setting) {
                Err(error) => Outcome::error(error.to_string()),
                Ok(value) => judge_value(&value, *rule, *component, &source),
            }
        }),
        Test::Admission { plugin, enabled } => {
            with_component(node, ComponentKind::ApiServer, |c| {
                admission(c, plugin, *enabled)
            })
        }
        Test::FileMode { files, max } => judge_files(node, files, |path, stat| {
            let extra = stat.mode & 0o777 & !max;
            let evidence = format!("{path} mode {:04o}", stat.mode & 0o777);
            if extra == 0 {
                Ok(evidence)
            } else {
                Err((
                    evidence,
                    format!(
                        "{path} has permissions {:04o}, more than {max:04o}",
                        stat.mode & 0o777
                    ),
                    format!("chmod {max:o} {path}"),
                ))
            }
        }),
        Test::FileOwner { files, owner } => judge_files(node, files, |path, stat| {
            let actual = node.accounts.owner(stat.uid, stat.gid);
            let evidence = format!("{path} owner {actual}");
            if actual == *owner {
                Ok(evidence)
            } else {
                Err((
                    evidence,
                    format!("{path} is owned by {actual}, not {owner}"),
                    format!("chown {owner} {path}"),
                ))
            }
        }),
        Test::All(tests) => combine(tests.iter().map(|t| judge(t, node)).collect(), true),
        Test::Any(tests) => combine(tests.iter().map(|t| judge(t, node)).collect(), false),
        Test::Judge {
            component, judge, ..
        } => with_component(node, *component, |_| judge(node)),
        Test::Manual { component, hint } => {
            let gather = || Outcome::manual(hint.map(|h| h(node)).unwrap_or_default());
            match component {
                Some(kind) => with_component(node, *kind, |_| gather()),
                None => gather(),
            }
        }
    }
}

/// Runs `f` on the component, or says why it cannot.
pub(crate) fn with_component(
    node: &Node,
    kind: ComponentKind,
    f: impl FnOnce(&crate::model::Component) -> Outcome,
) -> Outcome {
    if let Some(component) = node.component(kind) {
        return f(component);
    }
    if let Some(broken) = node.broken.get(&kind) {
        return Outcome::error(format!("{kind} could not be read: {}", broken.reason));
    }
    Outcome::not_applicable(format!("{kind} does not run on this node"))
}

/// `All`: any failure fails; else any error is an error; parts about an
/// absent component or file are left out, and all absent is not
/// applicable. `Any`: any pass passes; else errors, then failures.
fn combine(outcomes: Vec<Outcome>, all: bool) -> Outcome {
    let evidence: Vec<String> = outcomes.iter().flat_map(|o| o.evidence.clone()).collect();
    let pick = |status: NodeStatus| outcomes.iter().filter(move |o| o.status == status);
    let joined = |status: NodeStatus, field: fn(&Outcome) -> Option<&String>| {
        let mut parts: Vec<&str> = Vec::new();
        for part in pick(status).filter_map(|o| field(o).map(String::as_str)) {
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    };
    let with = |status: NodeStatus| Outcome {
        status,
        evidence: evidence.clone(),
        reason: joined(status, |o| o.reason.as_ref()),
        remediation: joined(status, |o| o.remediation.as_ref()),
    };
    let has = |status: NodeStatus| pick(status).next().is_some();
    if outcomes
        .iter()
        .all(|o| o.status == NodeStatus::NotApplicable)
    {
        return with(NodeStatus::NotApplicable);
    }
    if all {
        if has(NodeStatus::Fail) {
            return with(NodeStatus::Fail);
        }
        if has(NodeStatus::Error) {
            return with(NodeStatus::Error);
        }
        return Outcome::pass(evidence);
    }
    if has(NodeStatus::Pass) {
        return Outcome::pass(evidence);
    }
    if has(NodeStatus::Error) {
        return with(NodeStatus::Error);
    }
    with(NodeStatus::Fail)
}

/// Checks each existing file; missing ones are skipped, and when none
/// exists the recommendation does not apply.
fn judge_files(
    node: &Node,
    files: &Files,
    rule: impl Fn(&str, &crate::root::FileStat) -> Result<String, (String, String, String)>,
) -> Outcome {
    if files.control_plane && !node.is_control_plane() {
        return Outcome::not_applicable("not a control-plane node");
    }
    let paths = match (files.paths)(node) {
        Ok(paths) => paths,
        Err(reason) => return Outcome::error(reason),
    };
    let mut evidence = Vec::new();
    let mut failures = Vec::new();
    let mut fixes = Vec::new();
    let mut errors = Vec::new();
    for path in &paths {
        match node.fs.stat(path) {
            Ok(stat)
                if files
                    .directory
                    .is_some_and(|dir| if dir { !stat.is_dir } else { !stat.is_file }) =>
            {
                let expected = if files.directory == Some(true) {
                    "a directory"
                } else {
                    "a regular file"
                };
                let found = if stat.is_dir {
                    "a directory"
                } else if stat.is_file {
                    "a file"
                } else {
                    "a device, socket or FIFO"
                };
                errors.push(format!("{path} is {found}, where {expected} is expected"));
            }
            Ok(stat) => match rule(path, &stat) {
                Ok(e) => evidence.push(e),
                Err((e, reason, fix)) => {
                    evidence.push(e);
                    failures.push(reason);
                    fixes.push(fix);
                }
            },
            Err(error) if error.is_not_found() => {}
            Err(error) => errors.push(error.to_string()),
        }
    }
    if !failures.is_empty() {
        return Outcome::fail(evidence, failures.join("; "), fixes.join("; "));
    }
    if !errors.is_empty() {
        let mut outcome = Outcome::error(errors.join("; "));
        outcome.evidence = evidence;
        return outcome;
    }
    if evidence.is_empty() {
        let reason = match paths.as_slice() {
            [] => format!("no {} on this node", files.describe),
            [one] => format!("{} {one} not found", files.describe),
            many => format!("{} not found ({})", files.describe, many.join(", ")),
        };
        return Outcome::not_applicable(reason);
    }
    Outcome::pass(evidence)
}

fn judge_value(value: &Effective, rule: Rule, component: ComponentKind, source: &str) -> Outcome {
    let shown = match value.origin {
        Origin::Flag => format!("{value} ({source})"),
        _ => value.to_string(),
    };
    let text = value.value.as_deref();
    let ok = match rule {
        Rule::Is(want) => text.is_some_and(|v| same(v, want)),
        Rule::IsNot(unwanted) => !text.is_some_and(|v| same(v, unwanted)),
        // Set by the operator: a built-in default is not the benchmark's
        // "set as appropriate".
        Rule::Set => {
            text.is_some_and(|v| !v.trim().is_empty())
                && !matches!(value.origin, Origin::Default { .. })
        }
        Rule::Includes(item) => text.is_some_and(|v| items(v).any(|i| i == item)),
        Rule::Excludes(item) => !text.is_some_and(|v| items(v).any(|i| i == item)),
        Rule::AtLeast(min) => text
            .and_then(|v| v.trim().parse::<i64>().ok())
            .is_some_and(|n| n >= min),
        Rule::NonZeroDuration => text.is_some_and(|v| !is_zero_duration(v)),
        Rule::NotSetTo(unwanted) => {
            matches!(value.origin, Origin::Default { .. })
                || !text.is_some_and(|v| same(v, unwanted))
        }
        Rule::Loopback => text.is_some_and(is_loopback),
        Rule::GateNotOff(gate) => !text.is_some_and(|v| gate_off(v, gate)),
        Rule::Unset => matches!(value.origin, Origin::Default { .. }),
        Rule::Within(groups) => text.is_some_and(|v| {
            items(v).next().is_some()
                && items(v).all(|i| groups.iter().any(|group| group.contains(&i)))
        }),
    };
    if ok {
        return Outcome::pass(vec![shown]);
    }
    let (reason, fix) = explain(value, rule, component);
    Outcome::fail(vec![shown], reason, fix)
}

/// Why a value fails and what to set instead, in the place the
/// component reads it from (its config file when it uses one).
fn explain(value: &Effective, rule: Rule, component: ComponentKind) -> (String, String) {
    let flag = value.setting.flag;
    // Where the value is changed: the file (or drop-in) that set it, the
    // component's configuration file when it reads this setting from
    // one, else the command line.
    let file = match (&value.origin, value.setting.config_key) {
        (Origin::ConfigFile { key, path }, _) => Some((*key, path.clone())),
        (Origin::Default { with_config: true }, Some(key)) => {
            Some((key, format!("the {component} configuration file")))
        }
        _ => None,
    };
    let place = match &file {
        Some((key, path)) => format!("{key} in {path}"),
        None => format!("--{flag} on {component}"),
    };
    let or_flag = |v: &str| {
        if value.setting.flag_ignored_with_config {
            String::new()
        } else {
            format!(" (or --{flag}={v})")
        }
    };
    let target = |v: &str| match &file {
        Some((key, path)) => format!("set {key}: {v} in {path}{}", or_flag(v)),
        None => format!("set --{flag}={v} on {component}"),
    };
    let found = match &value.value {
        Some(v) => format!("{component} uses {flag}={v}"),
        None => format!("{component} does not set --{flag}"),
    };
    match rule {
        Rule::Is(want) => (format!("{found}; it should be {want}"), target(want)),
        Rule::IsNot(unwanted) => (
            format!("{found}; it should not be {unwanted}"),
            format!("change {place} to a value other than {unwanted}"),
        ),
        Rule::Set => (
            match &value.value {
                Some(v) if matches!(value.origin, Origin::Default { .. }) => {
                    format!("{component} leaves --{flag} to its default ({v})")
                }
                _ => found,
            },
            format!("set {place}"),
        ),
        Rule::Includes(item) => (
            format!("{found}, without {item}"),
            format!("add {item} to {place}"),
        ),
        Rule::Excludes(item) => (
            format!("{found}, which includes {item}"),
            format!("remove {item} from {place}"),
        ),
        Rule::AtLeast(min) => (
            format!("{found}; it should be {min} or more"),
            target(&min.to_string()),
        ),
        Rule::NonZeroDuration => (
            format!("{found}, which disables the timeout"),
            target("4h0m0s"),
        ),
        Rule::NotSetTo(unwanted) => (
            format!("{found}; it should not be set to {unwanted}"),
            format!("remove {place} (or set it to a value other than {unwanted})"),
        ),
        Rule::Unset => (found, format!("remove {place}")),
        Rule::GateNotOff(gate) => (
            format!("{found}, which turns {gate} off"),
            format!("remove {gate}=false from {place}"),
        ),
        Rule::Loopback => (
            format!("{found}, which is reachable from other hosts"),
            target("127.0.0.1"),
        ),
        Rule::Within(_) => (
            format!("{found}; only strong cipher suites should be listed"),
            format!("list only strong cipher suites in {place}"),
        ),
    }
}

/// Equality as pflag parses booleans (`1`, `t`, `TRUE`, `True`, ...).
fn same(value: &str, want: &str) -> bool {
    match (parse_bool(value), parse_bool(want)) {
        (Some(a), Some(b)) => a == b,
        _ => value.trim() == want,
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim() {
        // pflag's spellings, and YAML 1.1's, which the kubelet's
        // configuration reader accepts.
        "1" | "t" | "T" | "true" | "TRUE" | "True" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            Some(true)
        }
        "0" | "f" | "F" | "false" | "FALSE" | "False" | "no" | "No" | "NO" | "off" | "Off"
        | "OFF" => Some(false),
        _ => None,
    }
}

fn items(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// Whether a `key=value` list turns `gate` off (`gate=false`, `gate=0`).
fn gate_off(list: &str, gate: &str) -> bool {
    list.split(',')
        .filter_map(|item| item.split_once('='))
        .rfind(|(k, _)| k.trim() == gate)
        .is_some_and(|(_, v)| parse_bool(v) == Some(false))
}

/// `127.0.0.1`, `127.0.0.1:10249`, `localhost:10249`, `[::1]:10249`, `::1`.
fn is_loopback(address: &str) -> bool {
    if let Ok(ip) = address.trim().parse::<std::net::IpAddr>() {
        return ip.is_loopback();
    }
    if let Ok(socket) = address.trim().parse::<std::net::SocketAddr>() {
        return socket.ip().is_loopback();
    }
    let host = address.trim();
    let host = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

/// Admission plugins in effect: those on by default, plus
/// `--enable-admission-plugins`, minus `--disable-admission-plugins`.
fn admission(component: &crate::model::Component, plugin: &str, want: bool) -> Outcome {
    let joined = |flag: &str| {
        let all = component.flags.all(flag);
        (!all.is_empty()).then(|| all.join(","))
    };
    let enabled_flag = joined("enable-admission-plugins");
    let disabled_flag = joined("disable-admission-plugins");
    let (enabled_flag, disabled_flag) = (enabled_flag.as_deref(), disabled_flag.as_deref());
    let listed = |v: Option<&str>| v.is_some_and(|v| items(v).any(|i| i == plugin));
    let by_default = super::settings::DEFAULT_ADMISSION_PLUGINS.contains(&plugin);
    let on = !listed(disabled_flag) && (listed(enabled_flag) || by_default);
    let mut evidence = Vec::new();
    let source = &component.source;
    match enabled_flag {
        Some(v) => evidence.push(format!("--enable-admission-plugins={v} ({source})")),
        None => evidence.push("--enable-admission-plugins not set".to_string()),
    }
    if let Some(v) = disabled_flag {
        evidence.push(format!("--disable-admission-plugins={v} ({source})"));
    }
    if by_default && !listed(disabled_flag) {
        evidence.push(format!("{plugin} is on by default"));
    }
    if on == want {
        return Outcome::pass(evidence);
    }
    let (reason, fix) = if want {
        (
            format!("admission plugin {plugin} is not enabled"),
            if listed(disabled_flag) {
                format!("remove {plugin} from --disable-admission-plugins on kube-apiserver")
            } else {
                format!("add {plugin} to --enable-admission-plugins on kube-apiserver")
            },
        )
    } else {
        (
            format!("admission plugin {plugin} is enabled"),
            format!("remove {plugin} from --enable-admission-plugins on kube-apiserver"),
        )
    };
    Outcome::fail(evidence, reason, fix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_booleans_read_as_kubernetes_reads_them() {
        assert!(is_zero_duration("0"));
        assert!(is_zero_duration("0s"));
        assert!(is_zero_duration("0h0m0s"));
        assert!(!is_zero_duration("4h0m0s"));
        assert!(!is_zero_duration("5m"));
        assert!(same("False", "false"));
        assert!(same("0", "false"));
        assert!(!same("true", "false"));
        assert!(same("Node,RBAC", "Node,RBAC"));
    }
}
