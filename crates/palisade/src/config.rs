//! The configuration file, `palisade.yaml`: found in the working directory
//! or the nearest parent (or given with `--config`), and applied under the
//! command line, which always wins.
//!
//! ```yaml
//! checks:
//!   select: [WL, NET]          # as --select
//!   ignore: [PAL-WL-030]       # added to --ignore
//!   min-severity: low
//! severity:                    # report these checks at another severity
//!   PAL-WL-030: high
//! settings:
//!   allowed-registries: [registry.example.com]
//!   secret-max-age: 90
//!   pss-version: v1.30
//! fail-on: high
//! framework: cis-1.10
//! framework-files: [compliance/ours.yaml]   # relative to this file
//! policies: [policies/]        # users' Rego and CEL policies, relative too
//! admission:                   # `palisade serve admission` only
//!   default-mode: enforce      # enforce, warn or audit
//!   namespaces: {staging: warn, sandbox: audit}
//!   exempt-namespaces: [palisade]
//!   updates: changes           # or all: blame updates for old findings too
//! exceptions:
//!   - checks: [PAL-WL-003]     # IDs or slugs
//!     resource: {kind: DaemonSet, namespace: kube-system, name: "node-*"}
//!     reason: node agent needs the host, reviewed in SEC-123
//!     until: 2027-03-31
//!     owner: platform-team
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use palisade_collect::manifest::{document_chunks, parse_chunk, Limits};
use palisade_core::date::Date;
use palisade_core::{InputError, Severity};
use palisade_engine::{Policy, PolicyException};
use serde::Deserialize;

use crate::catalogue::Catalogue;
use crate::cli::{AdmissionMode, AdmissionUpdates, ScanArgs, Threshold};

const NAMES: [&str; 2] = ["palisade.yaml", ".palisade.yaml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    #[serde(default)]
    checks: Checks,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    settings: SettingsSection,
    fail_on: Option<String>,
    framework: Option<String>,
    #[serde(default)]
    framework_files: Vec<PathBuf>,
    #[serde(default)]
    policies: Vec<PathBuf>,
    #[serde(default)]
    exceptions: Vec<ExceptionEntry>,
    #[serde(default)]
    admission: AdmissionSection,
}

/// How the webhook treats namespaces; the command line adds to it and
/// wins over it.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AdmissionSection {
    pub default_mode: Option<AdmissionMode>,
    #[serde(default)]
    pub namespaces: BTreeMap<String, AdmissionMode>,
    #[serde(default)]
    pub exempt_namespaces: Vec<String>,
    pub updates: Option<AdmissionUpdates>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Checks {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    min_severity: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct SettingsSection {
    #[serde(default)]
    allowed_registries: Vec<String>,
    secret_max_age: Option<u32>,
    pss_version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ExceptionEntry {
    /// One check, or `checks` for several.
    check: Option<String>,
    #[serde(default)]
    checks: Vec<String>,
    #[serde(default)]
    resource: Selector,
    reason: Option<String>,
    /// A date; YAML may read an unquoted one as something else than text.
    until: Option<serde_json::Value>,
    owner: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Selector {
    kind: Option<String>,
    namespace: Option<String>,
    name: Option<String>,
}

/// A configuration file, read and checked.
pub struct Config {
    pub path: PathBuf,
    file: File,
}

/// What a configuration file changes in a scan.
pub struct Applied {
    pub args: ScanArgs,
    pub policy: Policy,
    /// Worth telling, not stopping the scan for: expired exceptions.
    pub notices: Vec<InputError>,
}

/// The file to use: `--config`, or the nearest `palisade.yaml` upward from
/// the working directory; none with `--no-config`.
pub fn find(explicit: Option<&Path>, disabled: bool) -> Result<Option<Config>> {
    if disabled {
        return Ok(None);
    }
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let Ok(mut dir) = std::env::current_dir() else {
                return Ok(None);
            };
            // Up to the repository's root at most: a file above it (in a
            // home directory, say) belongs to something else.
            loop {
                if let Some(found) = NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file()) {
                    break found;
                }
                if dir.join(".git").exists() || !dir.pop() {
                    return Ok(None);
                }
            }
        }
    };
    if explicit.is_none() {
        // Found, not asked for: say so, since it changes the results.
        eprintln!("palisade: using configuration {}", path.display());
    }
    load(&path).map(Some)
}

fn load(path: &Path) -> Result<Config> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration file {name}"))?;
    let limits = Limits::default();
    let mut value = serde_json::Value::Null;
    for chunk in document_chunks(&text) {
        for document in parse_chunk(&name, chunk, &limits) {
            let document = document.map_err(|e| anyhow::anyhow!("configuration file {e}"))?;
            if value.is_null() {
                value = document.value;
            }
        }
    }
    let file: File = if value.is_null() {
        File::default()
    } else {
        serde_json::from_value(value).with_context(|| format!("configuration file {name}"))?
    };
    Ok(Config {
        path: path.to_path_buf(),
        file,
    })
}

fn parse_severity(text: &str, what: &str, file: &str) -> Result<Severity> {
    text.parse()
        .map_err(|e| anyhow::anyhow!("{file}: {what}: {e}"))
}

/// A check named by ID or slug, as its canonical ID.
fn canonical(catalogue: &Catalogue, name: &str, what: &str, file: &str) -> Result<String> {
    match catalogue.find(name) {
        Some(check) => Ok(check.meta().id.to_string()),
        None => bail!("{file}: {what}: unknown check `{name}` (see `palisade checks list`)"),
    }
}

impl Config {
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn base(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    pub fn admission(&self) -> &AdmissionSection {
        &self.file.admission
    }

    /// The policy directories the file names, relative to it.
    pub fn policy_dirs(&self) -> Vec<PathBuf> {
        self.file
            .policies
            .iter()
            .map(|p| self.base().join(p))
            .collect()
    }

    /// The framework files the file names, relative to it.
    pub fn framework_files(&self) -> Vec<PathBuf> {
        self.file
            .framework_files
            .iter()
            .map(|p| self.base().join(p))
            .collect()
    }

    /// The scan arguments with the file's values where the command line
    /// gave none, and the engine policy (exceptions, severities).
    pub fn apply(&self, mut args: ScanArgs, catalogue: &Catalogue) -> Result<Applied> {
        let f = &self.file;
        let file = self.path.display().to_string();
        if args.select.is_empty() {
            args.select = f.checks.select.clone();
        }
        // A check the command line selects by name runs, whatever the
        // file ignores: the command line wins.
        let named = |token: &String| {
            args.select.iter().any(|s| {
                catalogue
                    .find(s)
                    .zip(catalogue.find(token))
                    .is_some_and(|(a, b)| a.meta().id == b.meta().id)
            })
        };
        let ignored: Vec<String> = f
            .checks
            .ignore
            .iter()
            .filter(|t| !named(t))
            .cloned()
            .collect();
        args.ignore.extend(ignored);
        if args.min_severity.is_none() {
            if let Some(text) = &f.checks.min_severity {
                args.min_severity = Some(parse_severity(text, "checks.min-severity", &file)?);
            }
        }
        if args.allowed_registries.is_empty() {
            args.allowed_registries = f.settings.allowed_registries.clone();
        }
        args.secret_max_age = args.secret_max_age.or(f.settings.secret_max_age);
        args.pss_version = args
            .pss_version
            .take()
            .or_else(|| f.settings.pss_version.clone());
        if args.fail_on.is_none() {
            if let Some(text) = &f.fail_on {
                args.fail_on = Some(if text.eq_ignore_ascii_case("none") {
                    Threshold::None
                } else {
                    Threshold::Severity(parse_severity(text, "fail-on", &file)?)
                });
            }
        }
        if args.framework.is_none() {
            args.framework = f.framework.clone();
        }
        args.framework_files.extend(self.framework_files());

        let mut policy = Policy::default();
        for (check, severity) in &f.severity {
            let what = format!("severity.{check}");
            policy.severities.push((
                canonical(catalogue, check, &what, &file)?,
                parse_severity(severity, &what, &file)?,
            ));
        }
        let today = Date::today();
        let mut notices = Vec::new();
        for (i, entry) in f.exceptions.iter().enumerate() {
            let origin = format!("exceptions[{i}]");
            let names: Vec<&String> = entry.check.iter().chain(&entry.checks).collect();
            if names.is_empty() {
                bail!("{file}: {origin}: name the checks it covers (`check` or `checks`)");
            }
            let checks = names
                .iter()
                .map(|n| canonical(catalogue, n, &origin, &file))
                .collect::<Result<Vec<_>>>()?;
            let Some(reason) = entry.reason.clone().filter(|r| !r.trim().is_empty()) else {
                bail!("{file}: {origin}: an exception needs a `reason`");
            };
            let until = match &entry.until {
                Some(value) => {
                    let text = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string);
                    Some(
                        text.parse::<Date>()
                            .map_err(|e| anyhow::anyhow!("{file}: {origin}: `until`: {e}"))?,
                    )
                }
                None => None,
            };
            if until.is_some_and(|d| d < today) {
                notices.push(InputError::new(
                    file.clone(),
                    None,
                    format!(
                        "exception {origin} expired on {}: no longer applied",
                        until.map(|d| d.to_string()).unwrap_or_default()
                    ),
                ));
                continue;
            }
            let selector = &entry.resource;
            policy.exceptions.push(PolicyException::new(
                checks,
                selector.kind.clone(),
                selector.namespace.clone(),
                selector.name.clone(),
                reason,
                until,
                entry.owner.clone(),
                (file.clone(), origin),
            ));
        }
        Ok(Applied {
            args,
            policy,
            notices,
        })
    }
}
