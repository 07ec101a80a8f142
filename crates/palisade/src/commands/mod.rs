pub mod checks;
pub mod node;
pub mod rbac;
pub mod scan;
pub mod snapshot;
