//! The node audit: which Kubernetes components run on a machine, with
//! which settings and files, judged against the CIS Kubernetes Benchmark.
//!
//! [`discover`] reads the node (processes, static pods, systemd units,
//! configuration files, all under `--root`); [`audit`] applies a
//! [`benchmark::Benchmark`] and palisade's own node checks and returns a
//! [`palisade_core::node::NodeReport`].
#![forbid(unsafe_code)]

pub mod accounts;
pub mod args;
pub mod audit;
pub mod benchmark;
pub mod deep;
pub mod discover;
pub mod layout;
pub mod model;
pub mod root;
pub mod settings;
pub mod yaml;

pub use audit::{audit, choose, Selection, SelectionError};
pub use discover::{discover, Options};
