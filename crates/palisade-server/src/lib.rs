//! palisade's long-running services. [`admission`] decides Kubernetes
//! `AdmissionReview` requests with the same engine, checks, configuration
//! and exceptions as `palisade scan`, so the gate and the report never
//! disagree.
#![forbid(unsafe_code)]

pub mod admission;
pub mod http;
pub mod metrics;
pub mod tls;
