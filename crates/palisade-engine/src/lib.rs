//! Runs any slice of checks over resources. It knows nothing of the
//! catalogue or of inputs: the binary hands it the checks and the objects.
#![forbid(unsafe_code)]

mod coverage;
mod engine;
mod exceptions;
mod outcome;
pub mod policy;
mod selection;

pub use coverage::Unread;
pub use engine::Engine;
pub use exceptions::{ANNOTATION_IGNORE, ANNOTATION_REASON, ANNOTATION_UNTIL};
pub use outcome::Outcome;
pub use policy::{Policy, PolicyException};
pub use selection::{select, FrameworkSelection, Selection, SelectionError};
