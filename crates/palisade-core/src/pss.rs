//! Pod Security Standards levels and versions, as named by Pod Security
//! admission's `pod-security.kubernetes.io/enforce-version` label.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    Baseline,
    Restricted,
}

impl PssLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }

    /// Whether a control of level `self` is part of `level` (restricted
    /// includes every baseline control).
    pub fn is_within(self, level: PssLevel) -> bool {
        self <= level
    }
}

impl fmt::Display for PssLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Pod Security Standards version `v1.N`. Policy versions follow
/// Kubernetes minor releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PssVersion {
    minor: u16,
}

impl PssVersion {
    /// The newest policy version this build knows.
    pub const LATEST: PssVersion = PssVersion::v1(37);

    pub const fn v1(minor: u16) -> Self {
        PssVersion { minor }
    }

    pub fn minor(self) -> u16 {
        self.minor
    }
}

impl Default for PssVersion {
    fn default() -> Self {
        PssVersion::LATEST
    }
}

impl fmt::Display for PssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v1.{}", self.minor)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PssVersionError {
    #[error(
        "invalid Pod Security Standards version `{0}` (expected `latest` or `v1.N`, e.g. v1.30)"
    )]
    Malformed(String),
    #[error("Pod Security Standards version `{0}` is newer than the newest this build knows ({latest}); use `latest`", latest = PssVersion::LATEST)]
    TooNew(String),
}

impl FromStr for PssVersion {
    type Err = PssVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("latest") {
            return Ok(PssVersion::LATEST);
        }
        let digits = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let minor = digits
            .strip_prefix("1.")
            .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
            .filter(|m| m.len() == 1 || !m.starts_with('0'))
            .and_then(|m| m.parse::<u16>().ok())
            .ok_or_else(|| PssVersionError::Malformed(s.to_string()))?;
        let version = PssVersion::v1(minor);
        if version > PssVersion::LATEST {
            return Err(PssVersionError::TooNew(s.to_string()));
        }
        Ok(version)
    }
}

/// Which Pod Security Standards control a check implements, at which level,
/// and from which policy version it exists.
#[derive(Debug, Clone, Copy)]
pub struct PssControl {
    /// The control's name in the standard, e.g. "Privileged Containers".
    pub control: &'static str,
    pub level: PssLevel,
    pub since: PssVersion,
    /// The ID of the baseline check this restricted check replaces in the
    /// restricted profile (from `since` on), as Pod Security admission does.
    pub overrides: Option<&'static str>,
}

impl PssControl {
    pub const fn baseline(control: &'static str, since_minor: u16) -> Self {
        PssControl {
            control,
            level: PssLevel::Baseline,
            since: PssVersion::v1(since_minor),
            overrides: None,
        }
    }

    pub const fn restricted(control: &'static str, since_minor: u16) -> Self {
        PssControl {
            control,
            level: PssLevel::Restricted,
            since: PssVersion::v1(since_minor),
            overrides: None,
        }
    }

    #[must_use]
    pub const fn overriding(mut self, baseline_check_id: &'static str) -> Self {
        self.overrides = Some(baseline_check_id);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!("v1.30".parse::<PssVersion>().unwrap(), PssVersion::v1(30));
        assert_eq!("1.0".parse::<PssVersion>().unwrap(), PssVersion::v1(0));
        assert_eq!("latest".parse::<PssVersion>().unwrap(), PssVersion::LATEST);
        assert!("v2.0".parse::<PssVersion>().is_err());
        assert_eq!("V1.30".parse::<PssVersion>().unwrap(), PssVersion::v1(30));
        assert!("v1.+30".parse::<PssVersion>().is_err());
        assert!("v1.030".parse::<PssVersion>().is_err());
        assert!("v1.99".parse::<PssVersion>().is_err());
        assert!(PssVersion::v1(9) < PssVersion::v1(10));
    }
}
