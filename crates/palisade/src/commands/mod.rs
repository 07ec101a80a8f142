pub mod checks;
pub mod rbac;
pub mod scan;
