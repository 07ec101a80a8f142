//! Exceptions and severity overrides from the configuration file
//! (`palisade.yaml`), applied by the engine alongside the annotation
//! exceptions, so that every command that runs checks honours them alike.

use std::sync::atomic::{AtomicUsize, Ordering};

use palisade_core::date::Date;
use palisade_core::{ResourceId, Severity};

/// One exception: checks, the objects it covers, and why.
#[derive(Debug)]
pub struct PolicyException {
    /// Canonical check IDs.
    pub checks: Vec<String>,
    /// Each `None` matches anything; names and namespaces take `*` globs.
    pub kind: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub reason: String,
    pub until: Option<Date>,
    pub owner: Option<String>,
    /// Where it is declared: the file and the entry (`exceptions[2]`).
    pub file: String,
    pub origin: String,
    used: AtomicUsize,
}

impl PolicyException {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        checks: Vec<String>,
        kind: Option<String>,
        namespace: Option<String>,
        name: Option<String>,
        reason: String,
        until: Option<Date>,
        owner: Option<String>,
        (file, origin): (String, String),
    ) -> Self {
        PolicyException {
            checks,
            kind,
            namespace,
            name,
            reason,
            until,
            owner,
            file,
            origin,
            used: AtomicUsize::new(0),
        }
    }

    pub fn covers(&self, check: &str, resource: &ResourceId) -> bool {
        self.checks.iter().any(|c| c == check)
            && self
                .kind
                .as_deref()
                .is_none_or(|k| k.eq_ignore_ascii_case(&resource.kind))
            && self.namespace.as_deref().is_none_or(|ns| {
                // A Namespace object belongs to itself.
                let own = if resource.kind == "Namespace" {
                    Some(resource.name.as_str())
                } else {
                    resource.namespace.as_deref()
                };
                glob(ns, own.unwrap_or(""))
            })
            && self.name.as_deref().is_none_or(|n| glob(n, &resource.name))
    }

    /// How many findings it suppressed.
    pub fn uses(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    pub(crate) fn record_use(&self) {
        self.used.fetch_add(1, Ordering::Relaxed);
    }

    /// The reason shown with each suppressed finding.
    pub fn shown_reason(&self) -> String {
        let place = format!("{} of {}", self.origin, self.file);
        match &self.owner {
            Some(owner) => format!("{} (owner: {owner}; {place})", self.reason),
            None => format!("{} ({place})", self.reason),
        }
    }
}

/// `*` matches any run of characters; everything else literally.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// What the configuration changes in the engine.
#[derive(Debug, Default)]
pub struct Policy {
    pub exceptions: Vec<PolicyException>,
    /// Check ID → severity to report instead of its own.
    pub severities: Vec<(String, Severity)>,
}

impl Policy {
    pub fn exception_for(&self, check: &str, resource: &ResourceId) -> Option<&PolicyException> {
        self.exceptions.iter().find(|e| e.covers(check, resource))
    }

    pub fn severity_of(&self, check: &str, default: Severity) -> Severity {
        self.severities
            .iter()
            .find(|(id, _)| id == check)
            .map_or(default, |(_, s)| *s)
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("node-*", "node-agent"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "a-x-b-y-c"));
        assert!(!glob("a*b*c", "a-x-c"));
        assert!(!glob("web", "web-1"));
        assert!(glob("*-system", "kube-system"));
        assert!(!glob("ab*ba", "aba"));
    }
}
