//! `palisade frameworks list|show`.

use std::io::{self, Write};

use anyhow::Result;

use crate::cli::{Format, FrameworksCommand};
use crate::exit;

pub fn run(command: FrameworksCommand) -> Result<u8> {
    let mut out = io::stdout().lock();
    match command {
        FrameworksCommand::List {
            format,
            framework_files,
        } => {
            let frameworks = crate::frameworks::load(&framework_files)?;
            match format {
                Format::Json => {
                    let list: Vec<serde_json::Value> = frameworks
                        .iter()
                        .map(|f| {
                            serde_json::json!({
                                "name": f.name, "title": f.title, "version": f.version,
                                "aliases": f.aliases, "controls": f.controls.len(),
                                "automated": f.controls.iter().filter(|c| c.is_automated()).count(),
                            })
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut out, &list)?;
                    writeln!(out)?;
                }
                Format::Table => {
                    writeln!(
                        out,
                        "{:<16} {:<10} {:>8} {:>10}  TITLE",
                        "NAME", "VERSION", "CONTROLS", "AUTOMATED"
                    )?;
                    for f in &frameworks {
                        let automated = f.controls.iter().filter(|c| c.is_automated()).count();
                        writeln!(
                            out,
                            "{:<16} {:<10} {:>8} {:>10}  {}",
                            f.name,
                            f.version,
                            f.controls.len(),
                            automated,
                            f.title
                        )?;
                    }
                    writeln!(out, "\n`palisade frameworks show NAME` lists a framework's controls; `palisade scan --framework NAME` scores them.")?;
                }
            }
        }
        FrameworksCommand::Show {
            name,
            format,
            framework_files,
        } => {
            let frameworks = crate::frameworks::load(&framework_files)?;
            let framework = palisade_frameworks::find(&frameworks, &name)?;
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, framework)?;
                    writeln!(out)?;
                }
                Format::Table => {
                    writeln!(
                        out,
                        "{} {}: {}",
                        framework.name, framework.version, framework.title
                    )?;
                    if let Some(url) = &framework.url {
                        writeln!(out, "{url}")?;
                    }
                    writeln!(out)?;
                    for c in &framework.controls {
                        let decided_by = match (&c.node, c.checks.is_empty(), c.manual) {
                            (_, _, true) => "manual".to_string(),
                            (Some(node), true, _) => format!("palisade node {node}"),
                            (Some(node), false, _) => {
                                format!("palisade node {node}; {}", c.checks.join(", "))
                            }
                            (None, true, _) => "manual (no palisade check)".to_string(),
                            (None, false, _) => c.checks.join(", "),
                        };
                        writeln!(out, "{:<22} {}\n{:<22} {}", c.id, c.title, "", decided_by)?;
                    }
                }
            }
        }
    }
    Ok(exit::CLEAN)
}
