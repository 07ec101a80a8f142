//! `palisade serve admission`: the validating webhook.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use palisade_core::Severity;
use palisade_server::admission::{Admission, Mode, Modes, UpdateScope};
use palisade_server::http::{Limits, Webhook};

use crate::catalogue::Catalogue;
use crate::cli::{
    AdmissionArgs, AdmissionMode, AdmissionUpdates, ScanArgs, ServeCommand, Threshold,
};
use crate::exit;

fn mode(mode: AdmissionMode) -> Mode {
    match mode {
        AdmissionMode::Enforce => Mode::Enforce,
        AdmissionMode::Warn => Mode::Warn,
        AdmissionMode::Audit => Mode::Audit,
    }
}

pub fn run(command: ServeCommand) -> Result<u8> {
    match command {
        ServeCommand::Admission(args) => admission(args),
    }
}

/// Namespace modes: the configuration file's `admission:` section, then
/// the command line over it.
fn modes(args: &AdmissionArgs, config: Option<&crate::config::Config>) -> Result<Modes> {
    let section = config.map(|c| c.admission().clone()).unwrap_or_default();
    let mut modes = Modes {
        default: mode(
            args.default_mode
                .or(section.default_mode)
                .unwrap_or(AdmissionMode::Enforce),
        ),
        ..Modes::default()
    };
    for (namespace, chosen) in section.namespaces {
        modes.namespaces.insert(namespace, mode(chosen));
    }
    for entry in &args.namespace_modes {
        let Some((namespace, name)) = entry.split_once('=') else {
            bail!("--namespace-mode {entry}: expected NAMESPACE=enforce|warn|audit");
        };
        let chosen = match name {
            "enforce" => Mode::Enforce,
            "warn" => Mode::Warn,
            "audit" => Mode::Audit,
            other => {
                bail!("--namespace-mode {entry}: unknown mode `{other}` (enforce, warn or audit)")
            }
        };
        modes.namespaces.insert(namespace.to_string(), chosen);
    }
    modes.exempt.extend(section.exempt_namespaces);
    modes.exempt.extend(args.exempt_namespaces.iter().cloned());
    Ok(modes)
}

/// What the webhook judges with, from the configuration file as `palisade
/// scan` reads it: `palisade admission manifests` builds the same, to send
/// the webhook the kinds its checks read.
pub(crate) struct Judging {
    pub engine: palisade_engine::Engine,
    /// The configuration's `fail-on`.
    pub fail_on: Option<Threshold>,
}

impl Judging {
    pub fn new(config: Option<&crate::config::Config>, catalogue: &Catalogue) -> Result<Judging> {
        let (scan_args, policy) = match config {
            Some(config) => {
                let applied = config.apply(ScanArgs::defaults(), catalogue)?;
                for notice in &applied.notices {
                    eprintln!("palisade: warning: {notice}");
                }
                (applied.args, applied.policy)
            }
            None => (ScanArgs::defaults(), palisade_engine::Policy::default()),
        };
        let settings = super::scan::settings_of(&scan_args)?;
        let selection = super::scan::selection_of(&scan_args, None, &policy);
        let engine =
            palisade_server::admission::engine(catalogue.checks, &selection, settings, policy)?;
        Ok(Judging {
            engine,
            fail_on: scan_args.fail_on,
        })
    }
}

fn admission(args: AdmissionArgs) -> Result<u8> {
    // The same configuration file as `palisade scan`, so that the gate and
    // the scan agree: checks, severities, settings, exceptions, policies.
    let config = match &args.config {
        Some(path) => crate::config::find(Some(path), false)?,
        None => None,
    };
    let modes = modes(&args, config.as_ref())?;
    let updates = match args
        .updates
        .or(config.as_ref().and_then(|c| c.admission().updates))
    {
        Some(AdmissionUpdates::All) => UpdateScope::All,
        Some(AdmissionUpdates::Changes) | None => UpdateScope::Changes,
    };
    let mut policy_dirs = config
        .as_ref()
        .map(crate::config::Config::policy_dirs)
        .unwrap_or_default();
    policy_dirs.extend(args.policies.dirs.iter().cloned());
    let catalogue = Catalogue::load(&policy_dirs, args.policies.limits())?;
    let judging = Judging::new(config.as_ref(), &catalogue)?;
    let fail_on = match (args.fail_on, judging.fail_on) {
        (Some(severity), _) | (None, Some(Threshold::Severity(severity))) => severity,
        (None, None) => Severity::Low,
        (None, Some(Threshold::None)) => bail!(
            "the configuration's `fail-on: none` would never deny; give --fail-on, or use --default-mode warn"
        ),
    };
    let engine = judging.engine;
    eprintln!(
        "palisade: judging with {} checks ({} user policies)",
        engine.checks().len(),
        catalogue.policies.policies.len()
    );
    let tls = palisade_server::tls::server_config(&args.tls_cert, &args.tls_key)?;
    let limits = Limits {
        deadline: Duration::from_secs(args.deadline.max(1)),
        ..Limits::default()
    };
    let webhook = Webhook::new(Admission::new(engine, modes, fail_on, updates), limits);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        eprintln!("palisade: admission webhook listening on https://{}", args.listen);
        let shutdown = async {
            // SIGTERM from the kubelet, or Ctrl-C.
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
            }
            eprintln!("palisade: shutting down; finishing requests in flight");
        };
        webhook.serve(listener, tls, shutdown).await.context("the webhook failed")
    })?;
    Ok(exit::CLEAN)
}
