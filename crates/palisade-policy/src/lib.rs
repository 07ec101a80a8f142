//! Users' own policies, written in Rego or CEL, loaded from a directory
//! and run as palisade checks: by `palisade scan`, by the admission
//! webhook and in every report, with the same IDs, severities, exceptions
//! and fixtures as the built-in checks.
//!
//! A policy is a directory holding `policy.yaml` (see [`spec`]), its Rego
//! file when it is written in Rego, and fixtures under `tests/fail/` and
//! `tests/pass/`. `--policies DIR` takes such a directory or a directory of
//! them.
#![forbid(unsafe_code)]

mod cel;
mod check;
mod contain;
mod load;
pub mod location;
mod prepared;
mod rego;
pub mod request;
mod scrub;
pub mod spec;
mod verdict;

pub use check::{Logic, UserCheck};
pub use load::{load, LoadError, LoadOptions, LoadedPolicy, PolicySet};
pub use request::with_request;
pub use verdict::{MAX_MESSAGE, MAX_VIOLATIONS};
