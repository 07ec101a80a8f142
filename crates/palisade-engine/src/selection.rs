//! Choosing which checks run: `--select`, `--ignore`, `--framework`,
//! `--min-severity` and the Pod Security Standards version.

use palisade_core::{Check, CheckMeta, PssLevel, PssVersion, Settings, Severity};

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// IDs, slugs, area codes (`WL`) or ID prefixes (`PAL-WL`); empty = all.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Only the checks of one framework (resolved by the caller from the
    /// framework's data).
    pub framework: Option<FrameworkSelection>,
    pub min_severity: Option<Severity>,
    /// Severities the configuration reports checks at instead of their
    /// own; `min_severity` compares these.
    pub severity_overrides: Vec<(String, Severity)>,
}

/// A framework's name and the checks its controls name.
#[derive(Debug, Clone, Default)]
pub struct FrameworkSelection {
    pub name: String,
    pub checks: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SelectionError {
    #[error("unknown check, slug or area `{0}` (see `palisade checks list`)")]
    UnknownCheck(String),
    #[error("{id} cannot run: {reason}")]
    NeedsConfiguration {
        id: &'static str,
        reason: &'static str,
    },
    #[error("the selection leaves no check to run")]
    Empty,
    #[error("{id} does not exist at Pod Security Standards {version} (it exists from {since})")]
    NotAtVersion {
        id: &'static str,
        version: String,
        since: String,
    },
}

/// Whether `token` names `meta`: its ID, its slug, its area code, or a
/// prefix of its ID that ends at a `-` or digit boundary the user typed.
fn matches(meta: &CheckMeta, token: &str) -> bool {
    let token_upper = token.to_ascii_uppercase();
    meta.id == token_upper
        || meta.slug == token
        || meta.area() == token_upper
        // An ID prefix at a dash (`PAL-WL`, or `ACME` for users'
        // policies) or within the number (`PAL-WL-01`), never mid-word.
        || meta
            .id
            .strip_prefix(token_upper.as_str())
            .is_some_and(|rest| {
                rest.starts_with('-')
                    || (token_upper.ends_with(|c: char| c.is_ascii_digit())
                        && rest.starts_with(|c: char| c.is_ascii_digit()))
            })
}

fn pss_profile(framework: &str) -> Option<PssLevel> {
    match framework {
        "pss-baseline" => Some(PssLevel::Baseline),
        "pss-restricted" => Some(PssLevel::Restricted),
        _ => None,
    }
}

/// The checks to run, in catalogue order.
pub fn select(
    catalogue: &[&'static dyn Check],
    selection: &Selection,
    settings: &Settings,
) -> Result<Vec<&'static dyn Check>, SelectionError> {
    for token in selection.select.iter().chain(&selection.ignore) {
        if !catalogue.iter().any(|c| matches(c.meta(), token)) {
            return Err(SelectionError::UnknownCheck(token.clone()));
        }
    }
    // A check named exactly must exist at the chosen policy version.
    for token in &selection.select {
        let named = catalogue
            .iter()
            .find(|c| c.meta().id.eq_ignore_ascii_case(token) || c.meta().slug == token);
        if let Some(pss) =
            named.and_then(|c| c.meta().pss.filter(|p| p.since > settings.pss_version))
        {
            return Err(SelectionError::NotAtVersion {
                id: named.map(|c| c.meta().id).unwrap_or_default(),
                version: settings.pss_version.to_string(),
                since: pss.since.to_string(),
            });
        }
    }
    let framework = selection.framework.as_ref();
    let version = settings.pss_version;
    let explicitly_selected = |c: &&'static dyn Check| {
        selection
            .select
            .iter()
            .any(|t| t.eq_ignore_ascii_case(c.meta().id) || t == c.meta().slug)
    };
    let mut chosen: Vec<&'static dyn Check> = Vec::new();
    for &check in catalogue {
        let meta = check.meta();
        let wanted = (selection.select.is_empty()
            || selection.select.iter().any(|t| matches(meta, t)))
            && !selection.ignore.iter().any(|t| matches(meta, t))
            && selection.min_severity.is_none_or(|min| {
                let severity = selection
                    .severity_overrides
                    .iter()
                    .find(|(id, _)| id == meta.id)
                    .map_or(meta.severity, |(_, s)| *s);
                severity >= min
            })
            && meta.exists_at(version)
            && match framework {
                None => true,
                // The Pod Security profiles follow the versioned semantics
                // of the checks themselves.
                Some(f) => match pss_profile(&f.name) {
                    Some(level) => meta.in_pss_level(level),
                    None => f.checks.iter().any(|id| id == meta.id),
                },
            };
        if !wanted {
            continue;
        }
        if !check.enabled(settings) {
            if explicitly_selected(&check) {
                return Err(SelectionError::NeedsConfiguration {
                    id: meta.id,
                    reason: check.disabled_reason(),
                });
            }
            continue;
        }
        chosen.push(check);
    }
    if framework.and_then(|f| pss_profile(&f.name)) == Some(PssLevel::Restricted) {
        drop_overridden(&mut chosen, version);
    }
    if chosen.is_empty() {
        return Err(SelectionError::Empty);
    }
    Ok(chosen)
}

/// In the restricted profile some restricted controls replace a baseline
/// one (restricted volume types replace "no hostPath", for instance);
/// Pod Security admission then evaluates only the replacement.
fn drop_overridden(chosen: &mut Vec<&'static dyn Check>, version: PssVersion) {
    let overridden: Vec<&'static str> = chosen
        .iter()
        .filter_map(|c| c.meta().pss)
        .filter(|pss| pss.since <= version)
        .filter_map(|pss| pss.overrides)
        .collect();
    chosen.retain(|c| !overridden.contains(&c.meta().id));
}
