//! The `palisade` command. Exit codes: 0 clean, 1 findings at or above
//! `--fail-on`, 2 usage or input errors, 3 a partial cluster scan (see
//! README.md).
#![forbid(unsafe_code)]

// The global allocator is mimalloc, declared by regorus (built with
// `allocator-memory-limits`): it counts each thread's allocations, which is
// how a Rego policy's memory budget per evaluation is enforced.
use palisade_policy as _;

mod baseline;
mod catalogue;
mod cli;
mod cluster;
mod commands;
mod config;
mod frameworks;
mod pipeline;

use std::process::ExitCode;

use clap::Parser;

/// Exit codes, documented in README.md.
pub mod exit {
    pub const CLEAN: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const ERROR: u8 = 2;
    /// The scan ran, but some kinds could not be read (permissions): its
    /// verdicts are incomplete, whatever the findings.
    pub const INCOMPLETE: u8 = 3;
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Scan(args) => commands::scan::run(*args),
        cli::Command::Snapshot(args) => commands::snapshot::run(args),
        cli::Command::Node(args) => commands::node::run(args),
        cli::Command::Diff(args) => commands::diff::run(args),
        cli::Command::Frameworks { command } => commands::frameworks::run(command),
        cli::Command::Serve { command } => commands::serve::run(command),
        cli::Command::Admission { command } => commands::admission::run(command),
        cli::Command::Checks { command } => commands::checks::run(command),
        cli::Command::Policy { command } => commands::policy::run(command),
        cli::Command::Rbac { command } => commands::rbac::run(command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A reader that stops early (`| head`) is not an error.
        Err(error)
            if error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::from(exit::CLEAN)
        }
        Err(error) => {
            eprintln!("palisade: error: {error:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}
