//! `palisade admission`: what it takes to run the webhook in a cluster.

mod bundle;
mod certs;
mod manifests;
mod rules;

use std::io::Write;

use anyhow::{Context, Result};

use crate::cli::AdmissionCommand;

pub fn run(command: AdmissionCommand) -> Result<u8> {
    match command {
        AdmissionCommand::Manifests(args) => manifests::manifests(args),
        AdmissionCommand::Certs(args) => certs::certs(args),
    }
}

/// Writes a file only the owner can read (private keys), or any file,
/// refusing to replace one unless asked.
pub(crate) fn write_file(
    path: &std::path::Path,
    contents: &str,
    private: bool,
    force: bool,
) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    options.mode(if private { 0o600 } else { 0o644 });
    let mut file = options.open(path).with_context(|| {
        if path.exists() && !force {
            format!("{} exists (--force replaces it)", path.display())
        } else {
            format!("cannot write {}", path.display())
        }
    })?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
