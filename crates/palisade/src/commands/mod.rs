pub mod checks;
pub mod rbac;
pub mod scan;
pub mod snapshot;
