//! The validating admission webhook's decisions: a request in, a verdict
//! out. Transport (HTTPS, limits, metrics) is layered around this.

mod decide;
mod review;

pub use decide::{
    engine, single_object_checks, unconfigured_engine, Admission, Decision, Mode, ModeSource,
    Modes, UpdateScope,
};
pub use review::{AdmissionRequest, AdmissionResponse, ReviewError};
