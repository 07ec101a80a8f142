//! Predicates and templates shared by several checks.

pub mod capabilities;
pub mod credentials;
pub mod host_paths;
pub mod ids;
pub mod images;
pub mod ingress;
pub mod namespaces;
pub mod network;
pub mod pss_versions;
pub mod rbac;
pub mod requirements;
