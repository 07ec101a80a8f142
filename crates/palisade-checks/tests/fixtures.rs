//! The fixture harness: for every check, each file under
//! `fixtures/<area>/<slug>/fail/` must raise it and each file under `pass/`
//! must not; the findings on the fail fixtures are snapshotted so that a
//! review shows any change of behaviour.

mod support;

use std::fmt::Write;

use palisade_checks::{area_folder, catalogue};
use support::{fixture_settings, fixtures_root, run_file, yaml_files};

#[test]
fn every_check_fails_its_fail_fixtures_and_passes_its_pass_fixtures() {
    let mut problems = Vec::new();
    let mut files = 0;
    for &check in catalogue() {
        let meta = check.meta();
        let dir = fixtures_root()
            .join(area_folder(meta.area()))
            .join(meta.slug);
        let mut snapshot = String::new();
        for (verdict, expect_findings) in [("fail", true), ("pass", false)] {
            for file in yaml_files(&dir.join(verdict)) {
                files += 1;
                let display = format!(
                    "{verdict}/{}",
                    file.file_name().unwrap_or_default().to_string_lossy()
                );
                let findings = run_file(vec![check], fixture_settings(), &file, &display);
                if findings.is_empty() == expect_findings {
                    problems.push(format!(
                        "{} {}: {} produced {} finding(s)",
                        meta.id,
                        meta.slug,
                        display,
                        findings.len()
                    ));
                }
                for f in &findings {
                    let _ = writeln!(
                        snapshot,
                        "{}:{}:{} {} {}",
                        f.file, f.pos.line, f.pos.column, f.path, f.message
                    );
                }
            }
        }
        insta::assert_snapshot!(meta.slug, snapshot);
    }
    assert!(
        problems.is_empty(),
        "{} fixture disagreement(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(files > 0);
}
