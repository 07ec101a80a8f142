//! palisade's inputs from a running cluster: a client built like kubectl's
//! (kubeconfig, contexts, in-cluster, exec plugins), API discovery,
//! paginated and throttled listing, Secret redaction on ingest, and the
//! snapshot format that replays a collection offline.
//!
//! Collection streams what it reads to a caller-supplied sink, so a scan
//! evaluates objects while later pages are still being fetched and never
//! holds the whole cluster in memory as JSON.
#![forbid(unsafe_code)]

pub mod collect;
pub mod connect;
pub mod discovery;
pub mod fetch;
mod limiter;
pub mod model;
pub mod owners;
pub mod sanitize;
pub mod snapshot;

pub use collect::{collect, CollectError, CollectOptions, Event};
pub use connect::{ConnectError, ConnectOptions};
pub use fetch::FetchError;
pub use model::{ClusterInfo, Gap, GapCause, ListedKind, Summary};
pub use owners::OwnedFilter;
