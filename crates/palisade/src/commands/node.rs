//! `palisade node`: the CIS Kubernetes Benchmark on this machine.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};

use anyhow::{Context, Result};
use palisade_core::node::{NodeReport, NodeStatus};
use palisade_frameworks::rollup::{rollup_node, FrameworkRollup};
use palisade_node::{audit, choose, discover, layout, Options, Selection};
use palisade_report::node::{render_json, summary_line, NodeTableReporter};
use palisade_report::node_formats;

use crate::cli::{NodeArgs, NodeLayout, ReportFormat};
use crate::exit;

pub fn run(args: NodeArgs) -> Result<u8> {
    if !args.root.is_dir() {
        anyhow::bail!("--root {}: not a directory", args.root.display());
    }
    let options = Options {
        root: args.root.clone(),
        proc: args.proc.clone(),
        layout: args.layout.map(|l| match l {
            NodeLayout::Kubeadm => &layout::KUBEADM,
            NodeLayout::Rke2 => &layout::RKE2,
        }),
    };
    let node = discover(&options);
    let selection = match &args.benchmark {
        Some(name) => Selection::Named(name.clone()),
        None => Selection::Auto {
            kubernetes_version: args.kubernetes_version.clone(),
        },
    };
    let (benchmark, choice) = choose(&node, &selection)?;
    let report = audit(&node, &benchmark, choice);
    let compliance: Vec<FrameworkRollup> = match &args.framework {
        Some(name) => {
            let frameworks = crate::frameworks::load(&args.framework_files)?;
            let framework = palisade_frameworks::find(&frameworks, name)?;
            vec![rollup_node(framework, &report)]
        }
        None => Vec::new(),
    };

    let output_file = match &args.output {
        Some(path) => {
            Some(File::create(path).with_context(|| format!("cannot create {}", path.display()))?)
        }
        None => None,
    };
    let to_terminal = output_file.is_none() && io::stdout().is_terminal();
    let color = args.color.resolve(to_terminal);
    if args.format == ReportFormat::Table && to_terminal {
        // The choice of benchmark is part of the answer; say it first.
        eprintln!(
            "palisade: {} ({})",
            report.benchmark.name, report.benchmark.reason
        );
    }
    let version = env!("CARGO_PKG_VERSION");
    let render = |out: &mut dyn Write| match args.format {
        ReportFormat::Table => {
            NodeTableReporter { color }.render(&report, out)?;
            for f in &compliance {
                let score = f
                    .score
                    .map_or("no control judged".to_string(), |s| format!("{s}%"));
                writeln!(
                    out,
                    "Compliance {} {}: {score} ({} passed, {} failed; {} manual, {} not applicable, {} not evaluated)",
                    f.name, f.version, f.passed, f.failed, f.manual, f.not_applicable, f.not_evaluated
                )?;
            }
            Ok(())
        }
        ReportFormat::Json => render_json(&report, &compliance, version, to_terminal, out),
        ReportFormat::Sarif => node_formats::render_sarif(&report, version, out),
        ReportFormat::Junit => node_formats::render_junit(&report, out),
        ReportFormat::Csv => node_formats::render_csv(&report, out),
        ReportFormat::Markdown => node_formats::render_markdown(&report, out),
        ReportFormat::Html => node_formats::render_html(&report, &compliance, version, out),
    };
    match output_file {
        Some(file) => {
            let mut out = BufWriter::new(file);
            render(&mut out)
                .and_then(|()| out.flush())
                .context("cannot write the report")?;
            eprintln!("{}", summary_line(&report));
        }
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            if let Err(e) = render(&mut out).and_then(|()| out.flush()) {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    return Err(anyhow::Error::new(e).context("cannot write the report"));
                }
            }
        }
    }
    Ok(exit_code(&report))
}

/// ERROR anywhere: the audit is incomplete (3). Otherwise a FAIL of an
/// automated recommendation or a palisade check: 1. MANUAL never fails.
fn exit_code(report: &NodeReport) -> u8 {
    let all = || report.results.iter().chain(&report.additional_checks);
    if all().any(|r| r.status == NodeStatus::Error) {
        exit::INCOMPLETE
    } else if all().any(|r| r.status == NodeStatus::Fail) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
