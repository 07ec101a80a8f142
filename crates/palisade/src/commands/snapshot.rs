//! `palisade snapshot`: what a cluster scan would read, saved to a file.

use anyhow::{Context, Result};
use palisade_cluster::snapshot::{now_utc, Header, SnapshotWriter, FORMAT_VERSION};
use palisade_cluster::{collect, Event};

use crate::cli::SnapshotArgs;
use crate::cluster::{collect_options, Progress};
use crate::exit;

pub fn run(args: SnapshotArgs) -> Result<u8> {
    let options = collect_options(&args.cluster);
    let mut progress = Progress::new(!args.cluster.no_progress);
    let mut writer: Option<SnapshotWriter> = None;
    let mut failure = None;
    let collected = collect(&options, &mut |event| {
        progress.event(&event);
        if failure.is_some() {
            return;
        }
        let result = match event {
            Event::Planned { cluster, .. } => {
                let header = Header {
                    version: FORMAT_VERSION,
                    created_at: now_utc(),
                    tool: format!("palisade {}", env!("CARGO_PKG_VERSION")),
                    cluster,
                };
                SnapshotWriter::create(&args.output, &header).map(|w| writer = Some(w))
            }
            Event::Objects(objects) => match writer.as_mut() {
                Some(w) => w.write_objects(&objects),
                None => Ok(()),
            },
            Event::KindDone { .. } => Ok(()),
        };
        if let Err(e) = result {
            failure = Some(e);
        }
    });
    progress.finish();
    if let Some(error) = failure {
        return Err(error.into());
    }
    let summary = collected?;
    let writer = writer.context("the collection ended before it began")?;
    writer.finish(&summary)?;
    eprintln!(
        "Saved {} objects of {} kinds from {}{} to {}",
        summary.objects,
        summary.listed.len(),
        summary.cluster.source,
        summary
            .cluster
            .version
            .as_deref()
            .map(|v| format!(" ({v})"))
            .unwrap_or_default(),
        args.output.display()
    );
    for warning in &summary.warnings {
        eprintln!("warning: {warning}");
    }
    for gap in &summary.gaps {
        eprintln!("not read: {}", gap.describe());
    }
    Ok(if summary.gaps.is_empty() {
        exit::CLEAN
    } else {
        exit::INCOMPLETE
    })
}
