//! `docs/node-benchmarks.md` is generated from the benchmark data and the
//! node checks' declarations; this test fails when it is stale.
//! `PALISADE_UPDATE_DOCS=1` rewrites it.

use std::fmt::Write;
use std::path::Path;

use palisade_node::benchmark;
use palisade_node::deep::CHECKS;

fn render() -> String {
    let mut out = String::from(
        "# Node audit: recommendations and checks\n\n\
         Generated from `crates/palisade-node/src/benchmark/` and \
         `crates/palisade-node/src/deep/` by `cargo test -p palisade-node --test docs` \
         (`PALISADE_UPDATE_DOCS=1` to rewrite). Do not edit by hand.\n\n\
         `palisade node` judges sections 1 to 4 of the CIS Kubernetes Benchmark; \
         section 5 (policies) is about cluster objects and is judged by `palisade scan`. \
         Titles are palisade's words; numbers, assessment status and required values \
         are the benchmark's. A manual recommendation is never reported as passed: \
         the test below only gathers evidence for the reviewer.\n",
    );
    for b in benchmark::all() {
        let automated = b.recommendations.iter().filter(|r| r.automated).count();
        writeln!(
            out,
            "\n## {} (CIS Kubernetes Benchmark v{}, Kubernetes 1.{}{})\n\n{} recommendations, {automated} automated.\n",
            b.name,
            b.version,
            b.kubernetes.0,
            if b.kubernetes.0 == b.kubernetes.1 { String::new() } else { format!(" to 1.{}", b.kubernetes.1) },
            b.recommendations.len(),
        )
        .unwrap();
        out.push_str("| ID | Assessment | Title | How palisade judges it |\n|---|---|---|---|\n");
        for r in &b.recommendations {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                r.id,
                if r.automated { "Automated" } else { "Manual" },
                r.title,
                r.test.describe().replace('|', "\\|")
            )
            .unwrap();
        }
    }
    out.push_str("\n## palisade's node checks\n\nBeyond the benchmark: judgements of the files the flags point to. Reported under `additionalChecks`, not counted in the benchmark's totals.\n\n| ID | Title | About |\n|---|---|---|\n");
    for check in CHECKS {
        let about = check
            .component
            .map_or("any node".to_string(), |c| c.to_string());
        writeln!(out, "| {} | {} | {about} |", check.id, check.title).unwrap();
    }
    out
}

#[test]
fn generated_docs_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/node-benchmarks.md");
    let rendered = render();
    if std::env::var_os("PALISADE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, rendered).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(current == rendered, "docs/node-benchmarks.md is stale: run PALISADE_UPDATE_DOCS=1 cargo test -p palisade-node --test docs");
}

#[test]
fn every_recommendation_is_unique_and_numbered() {
    for b in benchmark::all() {
        let mut seen = std::collections::BTreeSet::new();
        for r in &b.recommendations {
            assert!(seen.insert(r.id), "{}: {} twice", b.name, r.id);
            assert!(
                r.id.split('.').all(|p| p.parse::<u32>().is_ok()),
                "{}",
                r.id
            );
            assert!(!r.title.ends_with('.'), "{}", r.id);
            let section = r.id.split('.').next().unwrap();
            assert!(b.sections.iter().any(|(id, _)| *id == section), "{}", r.id);
        }
    }
    let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), CHECKS.len());
}
