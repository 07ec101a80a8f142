//! Loading fixture files and running one check over them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use palisade_collect::{document_chunks, parse_chunk, resources_from_document, Limits};
use palisade_core::date::Date;
use palisade_core::{Check, Finding, PssVersion, Settings};
use palisade_engine::{Engine, Outcome};

pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The settings every fixture runs with.
pub fn fixture_settings() -> Settings {
    Settings {
        pss_version: PssVersion::LATEST,
        allowed_registries: vec![
            "registry.example.com".to_string(),
            "ghcr.io/acme".to_string(),
        ],
        today: Date::new(2026, 11, 27).expect("valid date"),
        secret_max_age_days: 90,
    }
}

/// Runs `checks` over one file; panics on any input error or warning, since
/// fixtures must be clean input.
pub fn run_file(
    checks: Vec<&'static dyn Check>,
    settings: Settings,
    file: &Path,
    display: &str,
) -> Vec<Finding> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let engine = Engine::new(checks, settings).with_catalogue(palisade_checks::catalogue());
    let name: Arc<str> = Arc::from(display);
    let mut outcome = Outcome::default();
    for chunk in document_chunks(&text) {
        for doc in parse_chunk(&name, chunk, &Limits::default()) {
            let doc = doc.unwrap_or_else(|e| panic!("fixture does not parse: {e}"));
            let objects = resources_from_document(&name, doc);
            assert!(
                objects.warnings.is_empty(),
                "fixture warnings: {:?}",
                objects.warnings
            );
            for resource in objects.resources {
                engine.evaluate(resource, &mut outcome);
            }
        }
    }
    engine.evaluate_inventory(&mut outcome);
    assert!(
        outcome.warnings.is_empty(),
        "{display}: inventory warnings: {:?}",
        outcome.warnings
    );
    outcome.into_report(1, String::new()).findings
}

/// The `.yaml` files of a directory, sorted.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"));
    files.sort();
    files
}
