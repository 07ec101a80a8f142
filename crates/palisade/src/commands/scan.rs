//! `palisade scan`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::Instant;

use anyhow::{Context, Result};
use palisade_collect::{discover, Limits};
use palisade_core::{CoverageGap, InputError, PssVersion, Settings};
use palisade_engine::{select, Engine, FrameworkSelection, Selection};
use palisade_report::csv::CsvReporter;
use palisade_report::html::HtmlReporter;
use palisade_report::json::JsonReporter;
use palisade_report::junit::JunitReporter;
use palisade_report::markdown::MarkdownReporter;
use palisade_report::sarif::SarifReporter;
use palisade_report::table::TableReporter;
use palisade_report::Reporter;

use crate::catalogue::Catalogue;
use crate::cli::{ReportFormat, ScanArgs, Threshold};
use crate::cluster;
use crate::exit;
use crate::pipeline;

pub fn run(args: ScanArgs) -> Result<u8> {
    let config = crate::config::find(args.config.as_deref(), args.no_config)?;
    let mut policy_dirs = config
        .as_ref()
        .map(crate::config::Config::policy_dirs)
        .unwrap_or_default();
    policy_dirs.extend(args.policies.dirs.iter().cloned());
    let catalogue = Catalogue::load(&policy_dirs, args.policies.limits())?;
    let (args, policy, config_notices) = match &config {
        Some(config) => {
            let applied = config.apply(args, &catalogue)?;
            (applied.args, applied.policy, applied.notices)
        }
        None => (args, palisade_engine::Policy::default(), Vec::new()),
    };
    let settings = settings_of(&args)?;
    let pss_version = settings.pss_version;
    let frameworks = crate::frameworks::load(&args.framework_files)?;
    let framework = match &args.framework {
        Some(name) => Some(palisade_frameworks::find(&frameworks, name)?.clone()),
        None => None,
    };
    let checks = if args.parse_only {
        Vec::new()
    } else {
        let selection = selection_of(&args, framework.as_ref(), &policy);
        select(catalogue.checks, &selection, &settings)?
    };
    if let Some(threads) = args.threads {
        // Only fails if a pool already exists, which cannot happen here.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
    let limits = Limits {
        max_file_bytes: args.max_file_size,
        ..Limits::default()
    };
    // `-o -` is standard output. A file is created before scanning, so a
    // bad path fails fast rather than after the work.
    let output_file = match args.output.as_deref() {
        Some(path) if path.as_os_str() != "-" => Some(
            File::create(path)
                .with_context(|| format!("cannot write the report to {}", path.display()))?,
        ),
        _ => None,
    };
    let from_cluster = args.cluster || args.snapshot.is_some();
    let cluster_args = &args.cluster_args;
    if !args.cluster
        && (cluster_args.namespace.is_some()
            || !cluster_args.kinds.is_empty()
            || cluster_args.context.is_some()
            || cluster_args.kubeconfig.is_some())
    {
        anyhow::bail!("--namespace, --kinds, --context and --kubeconfig apply to --cluster scans");
    }
    // A cluster holds every Secret's values by design: checks about
    // values committed to files do not apply there.
    let mut checks = checks;
    if from_cluster {
        checks.retain(|c| !c.meta().manifests_only);
    }
    let check_count = checks.len();
    let engine = Engine::new(checks, settings)
        .with_catalogue(catalogue.checks)
        .with_policy(policy);
    let timings = std::env::var_os("PALISADE_TIMINGS").is_some();
    let started = Instant::now();
    let mut cluster_summary = None;
    let mut outcome = if from_cluster {
        let mut evaluator = cluster::ClusterEvaluator::new(&engine);
        let summary = match &args.snapshot {
            Some(path) => cluster::scan_snapshot(path, &mut evaluator)?,
            None => {
                let mut progress = cluster::Progress::new(
                    !cluster_args.no_progress && args.format == ReportFormat::Table,
                );
                cluster::scan_cluster(
                    &cluster::collect_options(cluster_args),
                    &mut evaluator,
                    &mut progress,
                )?
            }
        };
        cluster_summary = Some(summary);
        evaluator.outcome
    } else {
        let (inputs, discovery_errors) = discover(&args.paths, !args.no_kustomize);
        let mut outcome = pipeline::scan(&inputs, &engine, &limits);
        outcome.errors.extend(discovery_errors);
        outcome
    };
    let scanned = Instant::now();
    engine.evaluate_inventory(&mut outcome);
    let gaps: Vec<_> = match &cluster_summary {
        Some(summary) => engine
            .withhold(&mut outcome, &cluster::unread(summary))
            .into_iter()
            .filter(CoverageGap::worth_listing)
            .collect(),
        None => Vec::new(),
    };
    let partial = gaps.iter().any(CoverageGap::makes_partial);
    let inventory_done = Instant::now();
    let check_runs = engine.check_runs(&outcome);
    let mut report = outcome.into_report(check_count, pss_version.to_string());
    report.check_runs = check_runs;
    // Configured exceptions that matched nothing are worth knowing:
    // stale entries hide nothing but mislead.
    if let Some(config) = &config {
        // Only exceptions about a check that ran: one about a check left
        // out of this scan says nothing.
        let ran = |id: &String| engine.checks().iter().any(|c| c.meta().id == id);
        for exception in engine
            .policy()
            .exceptions
            .iter()
            .filter(|e| e.uses() == 0 && e.checks.iter().any(ran))
        {
            report.warnings.push(InputError::new(
                config.path.display().to_string(),
                None,
                format!("exception {} suppressed nothing", exception.origin),
            ));
        }
        report.warnings.extend(config_notices);
        report.totals.warnings = report.warnings.len();
    }
    // Frameworks are scored on every finding, known or new: a baseline
    // changes what is reported, not whether a control passes.
    let compliance: Vec<_> = framework
        .iter()
        .map(|f| palisade_frameworks::rollup::rollup_scan(f, &report))
        .collect();
    // The HTML report scores every framework, unless one is selected.
    let html_rollups: Vec<_> = if args.format == ReportFormat::Html {
        match &framework {
            Some(_) => compliance.clone(),
            None => frameworks
                .iter()
                .map(|f| palisade_frameworks::rollup::rollup_scan(f, &report))
                .collect(),
        }
    } else {
        Vec::new()
    };
    if let Some(path) = &args.baseline {
        report.drop_known(&crate::baseline::fingerprints(path)?);
    }
    if let Some(summary) = &cluster_summary {
        let source = cluster::report_source(summary, args.snapshot.as_deref());
        report.warnings.extend(
            summary
                .warnings
                .iter()
                .map(|w| InputError::new(source.source.clone(), None, w.clone())),
        );
        report.totals.warnings = report.warnings.len();
        report.totals.not_evaluated = gaps.len();
        report.not_evaluated = gaps;
        report.cluster = Some(source);
    }
    let assembled = Instant::now();

    let to_terminal = output_file.is_none() && io::stdout().is_terminal();
    let color = args.color.resolve(to_terminal);
    let ran = || engine.checks().iter().map(|c| c.meta()).collect::<Vec<_>>();

    let reporter: Box<dyn Reporter> = match args.format {
        ReportFormat::Table => Box::new(TableReporter { color, compliance }),
        ReportFormat::Json => Box::new(JsonReporter {
            tool_version: env!("CARGO_PKG_VERSION"),
            pretty: to_terminal,
            compliance,
        }),
        ReportFormat::Sarif => Box::new(SarifReporter {
            tool_version: env!("CARGO_PKG_VERSION"),
            checks: ran(),
            controls: crate::frameworks::controls_by_check(),
            severities: engine.policy().severities.iter().cloned().collect(),
        }),
        ReportFormat::Html => Box::new(HtmlReporter {
            tool_version: env!("CARGO_PKG_VERSION"),
            frameworks: html_rollups,
        }),
        ReportFormat::Junit => Box::new(JunitReporter { checks: ran() }),
        ReportFormat::Csv => Box::new(CsvReporter),
        ReportFormat::Markdown => Box::new(MarkdownReporter::default()),
    };
    match output_file {
        Some(file) => {
            let mut out = BufWriter::new(file);
            reporter
                .render(&report, &mut out)
                .and_then(|()| out.flush())
                .context("cannot write the report")?;
            eprintln!("{}", palisade_report::table::summary_line(&report));
        }
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            if let Err(e) = reporter
                .render(&report, &mut out)
                .and_then(|()| out.flush())
            {
                // A closed pipe (`| head`) is not an error worth a message.
                if e.kind() != io::ErrorKind::BrokenPipe {
                    return Err(anyhow::Error::new(e).context("cannot write the report"));
                }
            }
        }
    }

    if timings {
        eprintln!(
            "timings: scan {:?}, inventory {:?}, assemble {:?}, render {:?}",
            scanned - started,
            inventory_done - scanned,
            assembled - inventory_done,
            assembled.elapsed()
        );
    }
    if !report.errors.is_empty() {
        return Ok(exit::ERROR);
    }
    if partial {
        std::mem::forget(report);
        return Ok(exit::INCOMPLETE);
    }
    let failing = match args
        .fail_on
        .unwrap_or(Threshold::Severity(palisade_core::Severity::Low))
    {
        Threshold::None => false,
        Threshold::Severity(min) => report.findings.iter().any(|f| f.severity() >= min),
    };
    // The process ends right after this; freeing hundreds of thousands of
    // findings one by one would only delay the exit.
    std::mem::forget(report);
    Ok(if failing { exit::FINDINGS } else { exit::CLEAN })
}

/// The settings checks read, from the arguments (and the configuration
/// file applied to them).
pub fn settings_of(args: &ScanArgs) -> Result<Settings> {
    let pss_version: PssVersion = args.pss_version.as_deref().unwrap_or("latest").parse()?;
    Ok(Settings {
        pss_version,
        allowed_registries: args
            .allowed_registries
            .iter()
            .map(|r| {
                // `https://registry.example.com/` names the registry too.
                let r = r.trim();
                let r = r
                    .strip_prefix("https://")
                    .or_else(|| r.strip_prefix("http://"))
                    .unwrap_or(r);
                r.trim_end_matches('/').to_string()
            })
            .filter(|r| !r.is_empty())
            .collect(),
        secret_max_age_days: args.secret_max_age.unwrap_or(90),
        ..Settings::default()
    })
}

/// Which checks run, from the arguments, the framework and the
/// configuration's severity overrides.
pub fn selection_of(
    args: &ScanArgs,
    framework: Option<&palisade_frameworks::Framework>,
    policy: &palisade_engine::Policy,
) -> Selection {
    // `--select "PAL-WL-003, PAL-WL-005"` and trailing commas are fine.
    let tokens = |list: &[String]| -> Vec<String> {
        list.iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    };
    Selection {
        select: tokens(&args.select),
        ignore: tokens(&args.ignore),
        framework: framework.map(|f| FrameworkSelection {
            name: f.name.clone(),
            checks: palisade_frameworks::checks_of(f)
                .into_iter()
                .map(str::to_string)
                .collect(),
        }),
        min_severity: args.min_severity,
        severity_overrides: policy
            .severities
            .iter()
            .map(|(id, s)| (id.clone(), *s))
            .collect(),
    }
}
