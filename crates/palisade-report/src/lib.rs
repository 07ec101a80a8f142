//! Rendering a [`palisade_core::ScanReport`] for people and machines. One
//! module per format; every format prints the same totals.
#![forbid(unsafe_code)]

pub mod csv;
pub mod docs;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod node;
pub mod node_formats;
pub mod sarif;
pub mod stream;
pub mod table;

use std::io::{self, Write};

use palisade_core::ScanReport;

/// One output format.
pub trait Reporter {
    fn render(&self, report: &ScanReport, out: &mut dyn Write) -> io::Result<()>;
}
