pub mod checks;
pub mod diff;
pub mod frameworks;
pub mod node;
pub mod rbac;
pub mod scan;
pub mod serve;
pub mod snapshot;
