//! Meta-tests that police the catalogue itself: IDs and slugs, declaration
//! style, fixtures and generated documentation, message style.

mod support;

use std::collections::HashSet;
use std::path::Path;

use palisade_checks::{area_folder, catalogue};
use palisade_core::{PssLevel, Target};
use support::{fixture_settings, fixtures_root, run_file, yaml_files};

#[test]
fn ids_and_slugs_are_unique_and_well_formed() {
    let id_form = regex::Regex::new(r"^PAL-(WL|NET|RBAC|SEC|CP|NODE|AUD|IMG)-\d{3}$").unwrap();
    let slug_form = regex::Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*$").unwrap();
    let mut ids = HashSet::new();
    let mut slugs = HashSet::new();
    for check in catalogue() {
        let m = check.meta();
        assert!(id_form.is_match(m.id), "malformed ID {}", m.id);
        assert!(slug_form.is_match(m.slug), "malformed slug {}", m.slug);
        assert!(ids.insert(m.id), "duplicate ID {}", m.id);
        assert!(slugs.insert(m.slug), "duplicate slug {}", m.slug);
    }
    assert!(
        catalogue().len() >= 40,
        "the catalogue has {} checks",
        catalogue().len()
    );
}

#[test]
fn catalogue_is_in_id_order() {
    let ids: Vec<&str> = catalogue().iter().map(|c| c.meta().id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[test]
fn each_check_lives_in_the_file_named_after_its_slug() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for check in catalogue() {
        let m = check.meta();
        let file = src
            .join(area_folder(m.area()))
            .join(format!("{}.rs", m.slug.replace('-', "_")));
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("{} should be declared in {}", m.id, file.display()));
        assert!(
            text.contains(&format!("id: \"{}\"", m.id)),
            "{} is not the check of {}",
            file.display(),
            m.id
        );
    }
}

#[test]
fn declarations_are_complete_and_in_house_style() {
    for check in catalogue() {
        let m = check.meta();
        let first = m.title.chars().next().unwrap_or(' ');
        assert!(
            first.is_uppercase(),
            "{}: title must be sentence case",
            m.id
        );
        assert!(
            !m.title.ends_with('.'),
            "{}: title ends with a period",
            m.id
        );
        for heading in ["## What it checks", "## Why it matters", "## Example"] {
            assert!(
                m.description.contains(heading),
                "{}: description lacks `{heading}`",
                m.id
            );
        }
        assert!(!m.remediation.is_empty(), "{}: no remediation", m.id);
        assert!(!m.references.is_empty(), "{}: no references", m.id);
        for r in m.references {
            assert!(
                r.starts_with("https://"),
                "{}: reference {r} is not a URL",
                m.id
            );
        }
    }
}

#[test]
fn pss_declarations_are_consistent() {
    for check in catalogue() {
        let m = check.meta();
        let Some(pss) = m.pss else { continue };
        assert_eq!(
            m.target,
            Target::PodSpec,
            "{}: PSS controls judge pod specs",
            m.id
        );
        if let Some(overridden) = pss.overrides {
            assert_eq!(
                pss.level,
                PssLevel::Restricted,
                "{}: only restricted controls override",
                m.id
            );
            let target = palisade_checks::find(overridden)
                .unwrap_or_else(|| panic!("{} overrides unknown {overridden}", m.id));
            assert_eq!(
                target.meta().pss.map(|p| p.level),
                Some(PssLevel::Baseline),
                "{}: overrides a non-baseline check",
                m.id
            );
        }
    }
    let levels: Vec<PssLevel> = catalogue()
        .iter()
        .filter_map(|c| c.meta().pss.map(|p| p.level))
        .collect();
    assert_eq!(
        levels.iter().filter(|l| **l == PssLevel::Baseline).count(),
        12,
        "every baseline control"
    );
    assert_eq!(
        levels
            .iter()
            .filter(|l| **l == PssLevel::Restricted)
            .count(),
        7,
        "every restricted control"
    );
}

#[test]
fn inventory_checks_declare_what_they_read() {
    for check in catalogue() {
        let m = check.meta();
        if m.target == Target::Inventory {
            assert!(
                !m.reads.is_empty(),
                "{}: an inventory check declares the kinds it reads",
                m.id
            );
        } else {
            assert!(
                m.reads.is_empty(),
                "{}: only inventory checks declare `reads`",
                m.id
            );
        }
    }
}

#[test]
fn every_check_has_fail_and_pass_fixtures() {
    for check in catalogue() {
        let m = check.meta();
        let dir = fixtures_root().join(area_folder(m.area())).join(m.slug);
        assert!(
            !yaml_files(&dir.join("fail")).is_empty(),
            "{}: no fail fixtures in {}",
            m.id,
            dir.display()
        );
        assert!(
            !yaml_files(&dir.join("pass")).is_empty(),
            "{}: no pass fixtures in {}",
            m.id,
            dir.display()
        );
    }
}

#[test]
fn messages_follow_house_style_and_never_leak_values() {
    for &check in catalogue() {
        let m = check.meta();
        let dir = fixtures_root()
            .join(area_folder(m.area()))
            .join(m.slug)
            .join("fail");
        for file in yaml_files(&dir) {
            for f in run_file(vec![check], fixture_settings(), &file, "f.yaml") {
                let first = f.message.chars().next().unwrap_or(' ');
                assert!(
                    !first.is_uppercase(),
                    "{}: message starts upper case: {}",
                    m.id,
                    f.message
                );
                assert!(
                    !f.message.ends_with('.'),
                    "{}: message ends with a period: {}",
                    m.id,
                    f.message
                );
                assert!(f.pos.line > 0, "{}: finding without a line", m.id);
            }
        }
    }
}

#[test]
fn generated_check_docs_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks");
    let update = std::env::var_os("PALISADE_UPDATE_DOCS").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let metas: Vec<_> = catalogue().iter().map(|c| c.meta()).collect();
    // The frameworks that name each check come from the framework data.
    let controls = palisade_frameworks::controls_by_check(&palisade_frameworks::built_in());
    let pages = metas
        .iter()
        .map(|m| {
            let named = controls.get(m.id).cloned().unwrap_or_default();
            (
                format!("{}.md", m.id),
                palisade_report::docs::check_page(m, &named),
            )
        })
        .chain([(
            "README.md".to_string(),
            palisade_report::docs::catalogue_index(&metas),
        )]);
    for (name, expected) in pages {
        let path = dir.join(name);
        if update {
            std::fs::write(&path, &expected).unwrap();
            continue;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "{} is missing or stale; regenerate with `PALISADE_UPDATE_DOCS=1 cargo test -p palisade-checks --test catalogue`",
            path.display()
        );
    }
}
