//! Scanning what a cluster holds, live or from a snapshot: objects are
//! evaluated page by page as they arrive, through the same engine as
//! files, and what could not be read becomes the report's coverage gaps.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use palisade_cluster::fetch::RetryPolicy;
use palisade_cluster::{
    collect, snapshot, CollectOptions, ConnectOptions, Event, GapCause, OwnedFilter, Summary,
};
use palisade_core::span::ROOT_HASH;
use palisade_core::{ClusterSource, Pos, Resource, SourceRef, SpanIndex};
use palisade_engine::{Engine, Outcome, Unread};
use rayon::prelude::*;
use serde_json::Value;

use crate::cli::ClusterArgs;

pub fn collect_options(args: &ClusterArgs) -> CollectOptions {
    CollectOptions {
        connect: ConnectOptions {
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
            request_timeout: Some(Duration::from_secs(args.request_timeout.max(1))),
        },
        namespace: args.namespace.clone(),
        kinds: args.kinds.clone(),
        page_size: args.page_size,
        qps: args.qps,
        burst: args.burst,
        concurrency: args.concurrency.max(1),
        kubelet_config: !args.no_kubelet_config,
        retry: RetryPolicy::default(),
    }
}

/// Evaluates objects read from a cluster: owned copies of a template are
/// skipped, the rest judged in parallel.
pub struct ClusterEvaluator<'a> {
    engine: &'a Engine,
    filter: OwnedFilter,
    source: SourceRef,
    pub outcome: Outcome,
}

impl<'a> ClusterEvaluator<'a> {
    pub fn new(engine: &'a Engine) -> Self {
        ClusterEvaluator {
            engine,
            filter: OwnedFilter::default(),
            source: source_named("cluster"),
            outcome: Outcome::default(),
        }
    }

    /// Names the source findings will carry (`cluster:<context>`); call
    /// before the first objects.
    pub fn set_source(&mut self, name: &str) {
        self.source = source_named(name);
    }

    pub fn evaluate(&mut self, objects: Vec<Value>) {
        let admitted: Vec<Value> = objects
            .into_iter()
            .filter(|o| self.filter.admit(o))
            .collect();
        let engine = self.engine;
        let source = &self.source;
        let part = admitted
            .into_par_iter()
            .fold(Outcome::default, |mut outcome, value| {
                // Listed objects always have a kind and an apiVersion.
                if let Ok(resource) = Resource::from_value(value, source.clone()) {
                    engine.evaluate(resource, &mut outcome);
                }
                outcome
            })
            .reduce(Outcome::default, Outcome::merge);
        self.outcome = std::mem::take(&mut self.outcome).merge(part);
    }
}

/// Objects read from a cluster have a source name but no file positions.
fn source_named(name: &str) -> SourceRef {
    SourceRef {
        file: Arc::from(name),
        spans: Arc::new(SpanIndex::default()),
        base: ROOT_HASH,
        pos: Pos::default(),
    }
}

/// A progress bar on standard error, only on a terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
    objects: u64,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg} [{bar:30}] {pos}/{len} kinds, {prefix} objects, {elapsed}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar.set_message("connecting");
            bar
        });
        Progress { bar, objects: 0 }
    }

    pub fn event(&mut self, event: &Event) {
        let Some(bar) = &self.bar else { return };
        match event {
            Event::Planned { kinds, cluster } => {
                bar.set_length(*kinds as u64);
                bar.set_message(format!("reading {}", cluster.source));
            }
            Event::Objects(objects) => {
                self.objects += objects.len() as u64;
                bar.set_prefix(self.objects.to_string());
            }
            Event::KindDone { .. } => bar.inc(1),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Reads a live cluster into `evaluator`.
pub fn scan_cluster(
    options: &CollectOptions,
    evaluator: &mut ClusterEvaluator<'_>,
    progress: &mut Progress,
) -> Result<Summary> {
    let result = collect(options, &mut |event| {
        progress.event(&event);
        match event {
            Event::Planned { cluster, .. } => evaluator.set_source(&cluster.source),
            Event::Objects(objects) => evaluator.evaluate(objects),
            Event::KindDone { .. } => {}
        }
    });
    progress.finish();
    Ok(result?)
}

/// Reads a snapshot into `evaluator`.
pub fn scan_snapshot(path: &Path, evaluator: &mut ClusterEvaluator<'_>) -> Result<Summary> {
    let reader = snapshot::SnapshotReader::open(path)?;
    evaluator.set_source(&reader.header.cluster.source);
    Ok(reader.read_objects(&mut |batch| evaluator.evaluate(batch))?)
}

/// The gaps of a collection, as the engine takes them.
pub fn unread(summary: &Summary) -> Vec<Unread> {
    summary
        .gaps
        .iter()
        .map(|gap| Unread {
            kind: gap.kind.clone(),
            namespace: gap.namespace.clone(),
            message: gap.describe(),
            left_out: gap.cause == GapCause::LeftOut,
        })
        .collect()
}

pub fn report_source(summary: &Summary, snapshot: Option<&Path>) -> ClusterSource {
    ClusterSource {
        source: summary.cluster.source.clone(),
        server: summary.cluster.server.clone(),
        version: summary.cluster.version.clone(),
        snapshot: snapshot.map(|p| p.display().to_string()),
    }
}
