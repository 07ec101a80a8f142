//! `palisade checks list|explain|docs`.

use std::io::{self, Write};

use anyhow::{bail, Context, Result};
use palisade_report::docs::check_page;

use crate::catalogue::Catalogue;
use crate::cli::{ChecksCommand, Format};
use crate::exit;

pub fn run(command: ChecksCommand) -> Result<u8> {
    let loaded = match &command {
        ChecksCommand::List { policies, .. } | ChecksCommand::Explain { policies, .. } => {
            Catalogue::load(&policies.dirs, policies.limits())?
        }
        ChecksCommand::Docs { .. } => Catalogue::built_in(),
    };
    let catalogue = loaded.checks;
    let controls = crate::frameworks::controls_by_check();
    let controls_of = |id: &str| controls.get(id).cloned().unwrap_or_default();
    let mut out = io::stdout().lock();
    match command {
        ChecksCommand::List {
            format: Format::Table,
            ..
        } => {
            writeln!(
                out,
                "{:<11}  {:<8}  {:<10}  {:<34}  TITLE",
                "ID", "SEVERITY", "PSS", "SLUG"
            )?;
            for check in catalogue {
                let m = check.meta();
                let pss = m.pss.map(|p| p.level.as_str()).unwrap_or("-");
                writeln!(
                    out,
                    "{:<11}  {:<8}  {:<10}  {:<34}  {}",
                    m.id,
                    m.severity.as_str(),
                    pss,
                    m.slug,
                    m.title
                )?;
            }
            writeln!(
                out,
                "\n{} checks. `palisade checks explain ID` prints one check's documentation.",
                catalogue.len()
            )?;
        }
        ChecksCommand::List {
            format: Format::Json,
            ..
        } => {
            let list: Vec<serde_json::Value> = catalogue
                .iter()
                .map(|c| {
                    let m = c.meta();
                    serde_json::json!({
                        "id": m.id,
                        "slug": m.slug,
                        "title": m.title,
                        "severity": m.severity,
                        "pss": m.pss.map(|p| serde_json::json!({"level": p.level, "control": p.control, "since": p.since.to_string()})),
                        "frameworks": controls_of(m.id).iter().filter_map(|c| c.split_once(' ')).map(|(framework, control)| serde_json::json!({"framework": framework, "control": control})).collect::<Vec<_>>(),
                        "status": m.status.as_str(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list)?;
            writeln!(out)?;
        }
        ChecksCommand::Explain { id, .. } => {
            let Some(check) = loaded.find(&id) else {
                bail!("unknown check `{id}` (see `palisade checks list`)");
            };
            write!(
                out,
                "{}",
                check_page(check.meta(), &controls_of(check.meta().id))
            )?;
        }
        ChecksCommand::Docs { dir } => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            for check in catalogue {
                let path = dir.join(format!("{}.md", check.meta().id));
                std::fs::write(
                    &path,
                    check_page(check.meta(), &controls_of(check.meta().id)),
                )
                .with_context(|| format!("cannot write {}", path.display()))?;
            }
            let metas: Vec<_> = catalogue.iter().map(|c| c.meta()).collect();
            let index = dir.join("README.md");
            std::fs::write(&index, palisade_report::docs::catalogue_index(&metas))
                .with_context(|| format!("cannot write {}", index.display()))?;
        }
    }
    Ok(exit::CLEAN)
}
