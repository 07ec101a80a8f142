//! `palisade scan`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::Instant;

use anyhow::{Context, Result};
use palisade_collect::{discover, Limits};
use palisade_core::{PssVersion, Settings};
use palisade_engine::{select, Engine, Selection};
use palisade_report::json::JsonReporter;
use palisade_report::table::TableReporter;
use palisade_report::Reporter;

use crate::cli::{ColorChoice, Format, ScanArgs, Threshold};
use crate::exit;
use crate::pipeline;

pub fn run(args: ScanArgs) -> Result<u8> {
    let pss_version: PssVersion = args.pss_version.parse()?;
    let settings = Settings {
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
        secret_max_age_days: args.secret_max_age,
        ..Settings::default()
    };
    let checks = if args.parse_only {
        Vec::new()
    } else {
        // `--select "PAL-WL-003, PAL-WL-005"` and trailing commas are fine.
        let tokens = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        };
        let selection = Selection {
            select: tokens(&args.select),
            ignore: tokens(&args.ignore),
            framework: args.framework.clone(),
            min_severity: args.min_severity,
        };
        select(palisade_checks::catalogue(), &selection, &settings)?
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
    let check_count = checks.len();
    let engine = Engine::new(checks, settings).with_catalogue(palisade_checks::catalogue());
    let timings = std::env::var_os("PALISADE_TIMINGS").is_some();
    let started = Instant::now();
    let (inputs, discovery_errors) = discover(&args.paths, !args.no_kustomize);
    let mut outcome = pipeline::scan(&inputs, &engine, &limits);
    outcome.errors.extend(discovery_errors);
    let scanned = Instant::now();
    engine.evaluate_inventory(&mut outcome);
    let inventory_done = Instant::now();
    let report = outcome.into_report(check_count, pss_version.to_string());
    let assembled = Instant::now();

    let to_terminal = output_file.is_none() && io::stdout().is_terminal();
    // no-color.org: only a non-empty NO_COLOR disables colour.
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && !no_color,
    };
    let reporter: Box<dyn Reporter> = match args.format {
        Format::Table => Box::new(TableReporter { color }),
        Format::Json => Box::new(JsonReporter {
            tool_version: env!("CARGO_PKG_VERSION"),
            pretty: to_terminal,
        }),
    };
    match output_file {
        Some(file) => {
            let mut out = BufWriter::new(file);
            reporter
                .render(&report, &mut out)
                .and_then(|()| out.flush())
                .context("cannot write the report")?;
            eprintln!("{}", palisade_report::table::summary_line(&report.totals));
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
    let failing = match args.fail_on {
        Threshold::None => false,
        Threshold::Severity(min) => report.findings.iter().any(|f| f.severity() >= min),
    };
    // The process ends right after this; freeing hundreds of thousands of
    // findings one by one would only delay the exit.
    std::mem::forget(report);
    Ok(if failing { exit::FINDINGS } else { exit::CLEAN })
}
