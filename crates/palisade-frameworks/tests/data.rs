//! The framework files are facts under review: they must parse, name only
//! checks that exist, agree with the node benchmark on CIS numbers and
//! assessment status, and with the checks' own Pod Security metadata.

use std::collections::{BTreeMap, BTreeSet};

use palisade_frameworks::{built_in, parse, unknown_checks, FrameworkError};

fn known_checks() -> BTreeSet<&'static str> {
    palisade_checks::catalogue()
        .iter()
        .map(|c| c.meta().id)
        .chain(palisade_node::deep::CHECKS.iter().map(|c| c.id))
        .collect()
}

#[test]
fn every_framework_parses_and_names_only_existing_checks() {
    let frameworks = built_in();
    assert_eq!(frameworks.len(), 10);
    let known = known_checks();
    let mut names = BTreeSet::new();
    for f in &frameworks {
        for name in std::iter::once(&f.name).chain(&f.aliases) {
            assert!(names.insert(name.clone()), "{name} names two frameworks");
        }
        assert!(!f.controls.is_empty(), "{}", f.name);
        assert_eq!(unknown_checks(f, &known), Vec::<&str>::new(), "{}", f.name);
        for c in &f.controls {
            assert!(
                !c.title.trim().is_empty() && !c.title.ends_with('.'),
                "{} {}",
                f.name,
                c.id
            );
        }
    }
}

#[test]
fn cis_frameworks_follow_the_node_benchmark() {
    for (framework, benchmark) in [("cis-1.10", "cis-1.10"), ("cis-1.9", "cis-1.9")] {
        let frameworks = built_in();
        let f = frameworks.iter().find(|f| f.name == framework).unwrap();
        let bench = palisade_node::benchmark::by_name(benchmark).unwrap();
        let node: BTreeMap<&str, bool> = bench
            .recommendations
            .iter()
            .map(|r| (r.id, r.automated))
            .collect();
        for c in &f.controls {
            match &c.node {
                Some(id) => {
                    assert_eq!(
                        id, &c.id,
                        "{framework}: control {} is decided by node {id}",
                        c.id
                    );
                    let automated = node
                        .get(id.as_str())
                        .unwrap_or_else(|| panic!("{framework}: no node recommendation {id}"));
                    assert_eq!(
                        *automated, !c.manual,
                        "{framework} {}: automated/manual differs from the node benchmark",
                        c.id
                    );
                }
                None => assert!(
                    c.id.starts_with("5."),
                    "{framework} {}: sections 1-4 are node controls",
                    c.id
                ),
            }
        }
        // Every node recommendation is a control.
        let ids: BTreeSet<&str> = f.controls.iter().map(|c| c.id.as_str()).collect();
        for id in node.keys() {
            assert!(ids.contains(id), "{framework} lacks {id}");
        }
        assert_eq!(f.controls.len(), 130);
    }
}

#[test]
fn pss_frameworks_agree_with_the_checks_pss_metadata() {
    let frameworks = built_in();
    for (name, level) in [
        ("pss-baseline", palisade_core::PssLevel::Baseline),
        ("pss-restricted", palisade_core::PssLevel::Restricted),
    ] {
        let f = frameworks.iter().find(|f| f.name == name).unwrap();
        let listed: BTreeSet<&str> = f
            .controls
            .iter()
            .flat_map(|c| c.checks.iter().map(String::as_str))
            .collect();
        let expected: BTreeSet<&str> = palisade_checks::catalogue()
            .iter()
            .map(|c| c.meta())
            .filter(|m| m.in_pss_level(level))
            .map(|m| m.id)
            .collect();
        assert_eq!(listed, expected, "{name}");
    }
}

#[test]
fn broken_user_frameworks_say_what_is_wrong() {
    let error = parse("mine.yaml", "name: mine\ntitle: Mine\nversion: '1'\ncontrols:\n- id: a\n  title: A\n- id: a\n  title: B\n").unwrap_err();
    assert_eq!(
        error,
        FrameworkError::Invalid {
            file: "mine.yaml".into(),
            message: "control `a` appears twice".into()
        }
    );
    let error = parse("mine.yaml", "name: mine\ntitle: Mine\nversion: '1'\ncontrols:\n- id: a\n  title: A\n  chekcs: [PAL-WL-003]\n").unwrap_err();
    assert!(
        error.to_string().contains("unknown field `chekcs`"),
        "{error}"
    );
    let error = parse("mine.yaml", "name: [\n").unwrap_err();
    assert!(error.to_string().starts_with("mine.yaml: line "), "{error}");
}
