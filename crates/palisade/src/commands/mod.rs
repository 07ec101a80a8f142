pub mod checks;
pub mod scan;
