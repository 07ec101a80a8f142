//! `palisade diff OLD.json NEW.json`: what changed between two scans, by
//! finding fingerprint (not line numbers).

use std::collections::HashMap;
use std::io::{self, Write};

use anyhow::Result;
use serde::Serialize;

use crate::baseline::{self, Recorded};
use crate::cli::{DiffArgs, Format};
use crate::exit;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    fingerprint: &'a str,
    check_id: &'a str,
    severity: &'a str,
    resource: &'a str,
    location: &'a str,
    message: &'a str,
}

impl<'a> From<&'a Recorded> for Entry<'a> {
    fn from(r: &'a Recorded) -> Self {
        Entry {
            fingerprint: &r.fingerprint,
            check_id: &r.check_id,
            severity: &r.severity,
            resource: &r.resource,
            location: &r.location,
            message: &r.message,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    new: Vec<Entry<'a>>,
    fixed: Vec<Entry<'a>>,
    unchanged: usize,
}

/// The entries of `these` that `those` does not account for, counting
/// repeated fingerprints.
fn unmatched<'a>(these: &'a [Recorded], those: &[Recorded]) -> Vec<&'a Recorded> {
    let mut available: HashMap<&str, usize> = HashMap::new();
    for r in those {
        *available.entry(r.fingerprint.as_str()).or_default() += 1;
    }
    these
        .iter()
        .filter(|r| match available.get_mut(r.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

pub fn run(args: DiffArgs) -> Result<u8> {
    let old = baseline::read(&args.old)?;
    let new = baseline::read(&args.new)?;
    // Multisets: the same fingerprint twice (identical findings) counts
    // twice, so fixing one of two shows.
    let added = unmatched(&new, &old);
    let fixed = unmatched(&old, &new);
    let unchanged = new.len() - added.len();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Json => {
            let document = Document {
                new: added.iter().map(|r| Entry::from(*r)).collect(),
                fixed: fixed.iter().map(|r| Entry::from(*r)).collect(),
                unchanged,
            };
            serde_json::to_writer_pretty(&mut out, &document)?;
            writeln!(out)?;
        }
        Format::Table => {
            for (title, list) in [("New", &added), ("Fixed", &fixed)] {
                if list.is_empty() {
                    continue;
                }
                writeln!(out, "{title}:")?;
                for r in list.iter() {
                    writeln!(
                        out,
                        "  {:<9} {:<13} {}  {}  {}",
                        r.severity.to_uppercase(),
                        r.check_id,
                        r.resource,
                        r.location,
                        r.message
                    )?;
                }
                writeln!(out)?;
            }
            writeln!(
                out,
                "{} new, {} fixed, {unchanged} unchanged",
                added.len(),
                fixed.len()
            )?;
        }
    }
    Ok(if added.is_empty() {
        exit::CLEAN
    } else {
        exit::FINDINGS
    })
}
