//! The official Pod Security admission conformance fixtures, run the way a
//! user would: `palisade scan DIR --framework pss-<level> --pss-version V`.
//! Every `fail` file must yield at least one finding and every `pass` file
//! none, at every level and version.

mod support;

use std::collections::HashSet;

use support::{scan_json, shared_dir};

#[test]
fn official_pss_fixtures_agree_at_every_level_and_version() {
    let root = shared_dir().join("pss-fixtures");
    let mut agree = 0usize;
    let mut disagreements = Vec::new();
    for level in ["baseline", "restricted"] {
        let mut versions: Vec<String> = std::fs::read_dir(root.join(level))
            .expect("fixture level directory")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        versions.sort();
        assert!(versions.len() >= 38, "expected v1.0 … v1.37 for {level}");
        for version in versions {
            let dir = root.join(level).join(&version);
            let framework = format!("pss-{level}");
            let (code, report) = scan_json(&[
                dir.to_str().expect("utf-8 path"),
                "--framework",
                &framework,
                "--pss-version",
                &version,
                "--fail-on",
                "none",
            ]);
            assert_eq!(code, 0, "{level} {version}: {}", report["errors"]);
            assert_eq!(
                report["totals"]["errors"], 0,
                "{level} {version}: input errors {}",
                report["errors"]
            );
            let flagged: HashSet<String> = report["findings"]
                .as_array()
                .expect("findings array")
                .iter()
                .map(|f| {
                    f["location"]["file"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string()
                })
                .collect();
            for verdict in ["pass", "fail"] {
                let mut files: Vec<_> = std::fs::read_dir(dir.join(verdict))
                    .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                    .unwrap_or_default();
                files.sort();
                for file in files {
                    let name = file.to_string_lossy().into_owned();
                    let violated = flagged.contains(&name);
                    if violated == (verdict == "fail") {
                        agree += 1;
                    } else {
                        disagreements.push(format!("{level} {version} {verdict}: {name}"));
                    }
                }
            }
        }
    }
    println!(
        "PSS conformance: {agree} of {} fixtures agree",
        agree + disagreements.len()
    );
    assert!(agree > 4000, "only {agree} fixtures were evaluated");
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
