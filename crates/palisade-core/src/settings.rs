//! Options that change what checks consider a violation.

use crate::date::Date;
use crate::pss::PssVersion;

#[derive(Debug, Clone)]
pub struct Settings {
    /// The Pod Security Standards version the PSS checks evaluate.
    pub pss_version: PssVersion,
    /// Registries images may come from (`registry.example.com`,
    /// `ghcr.io/acme`). Empty means no allow-list is configured, and the
    /// registry check is not evaluated.
    pub allowed_registries: Vec<String>,
    /// The date against which exception expiry and Secret age are judged.
    pub today: Date,
    /// Secrets created longer ago than this many days are due for
    /// rotation.
    pub secret_max_age_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            pss_version: PssVersion::LATEST,
            allowed_registries: Vec::new(),
            today: Date::today(),
            secret_max_age_days: 90,
        }
    }
}
