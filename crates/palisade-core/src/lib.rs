//! Types shared by every palisade crate. Nothing here performs I/O: the
//! collectors build [`Resource`]s, the engine runs [`Check`]s over them and
//! produces [`Finding`]s, and the reporters render a [`ScanReport`].
#![forbid(unsafe_code)]

pub mod check;
pub mod date;
pub mod encryption;
pub mod inventory;
pub mod netpol;
pub mod node;
pub mod path;
pub mod podspec;
pub mod pss;
pub mod rbac;
pub mod redact;
pub mod report;
pub mod resource;
pub mod selector;
pub mod settings;
pub mod severity;
pub mod span;

pub use check::{Check, CheckContext, CheckMeta, CheckStatus, InventoryContext, Target, WORKLOADS};
pub use inventory::{Inventory, NamespaceEntry, Workload};
pub use path::{FieldPath, Segment};
pub use podspec::{ContainerKind, ContainerView, PodSpecView};
pub use pss::{PssControl, PssLevel, PssVersion};
pub use report::{ClusterSource, CoverageGap, Finding, InputError, ScanReport, Totals};
pub use resource::{Resource, ResourceId, SourceRef};
pub use settings::Settings;
pub use severity::Severity;
pub use span::{Pos, SpanIndex};
