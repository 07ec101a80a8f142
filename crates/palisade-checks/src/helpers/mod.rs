//! Predicates and templates shared by several checks.

pub mod capabilities;
pub mod credentials;
pub mod host_paths;
pub mod ids;
pub mod images;
pub mod pss_versions;
pub mod requirements;
