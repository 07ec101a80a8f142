//! `palisade diff OLD.json NEW.json`: what changed between two scans, by
//! finding fingerprint (not line numbers).

use std::collections::HashSet;
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

pub fn run(args: DiffArgs) -> Result<u8> {
    let old = baseline::read(&args.old)?;
    let new = baseline::read(&args.new)?;
    let in_old: HashSet<&str> = old.iter().map(|r| r.fingerprint.as_str()).collect();
    let in_new: HashSet<&str> = new.iter().map(|r| r.fingerprint.as_str()).collect();
    let added: Vec<&Recorded> = new
        .iter()
        .filter(|r| !in_old.contains(r.fingerprint.as_str()))
        .collect();
    let fixed: Vec<&Recorded> = old
        .iter()
        .filter(|r| !in_new.contains(r.fingerprint.as_str()))
        .collect();
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
