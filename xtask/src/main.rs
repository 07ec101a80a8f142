//! `cargo xtask new-check AREA SLUG "Title"`: scaffolds a check — its file
//! with the declaration template, its fail/pass fixture folders, and its
//! line in the area's module list — with the next free ID of the area.
//! The catalogue meta-tests then say what is still to fill in.
#![forbid(unsafe_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const AREAS: [(&str, &str); 8] = [
    ("WL", "workloads"),
    ("NET", "segregation"),
    ("RBAC", "rbac"),
    ("SEC", "secrets"),
    ("CP", "control-plane"),
    ("NODE", "node"),
    ("AUD", "audit"),
    ("IMG", "images"),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["new-check", area, slug, title] => new_check(area, slug, title),
        _ => Err("usage: cargo xtask new-check AREA SLUG \"Title in sentence case\"\n  AREA is one of WL, NET, RBAC, SEC, CP, NODE, AUD, IMG".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn checks_crate() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/palisade-checks")
}

fn pascal(slug: &str) -> String {
    slug.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn next_id(area: &str, module_dir: &Path) -> Result<String, String> {
    let prefix = format!("id: \"PAL-{area}-");
    let mut highest = 0;
    for entry in fs::read_dir(module_dir).map_err(|e| format!("{}: {e}", module_dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let text = fs::read_to_string(&path).unwrap_or_default();
        if let Some(at) = text.find(&prefix) {
            let digits: String = text[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            highest = highest.max(digits.parse::<u32>().unwrap_or(0));
        }
    }
    Ok(format!("PAL-{area}-{:03}", highest + 1))
}

fn new_check(area: &str, slug: &str, title: &str) -> Result<(), String> {
    let folder = AREAS
        .iter()
        .find(|(a, _)| *a == area)
        .map(|(_, f)| *f)
        .ok_or_else(|| format!("unknown area `{area}`"))?;
    if slug.is_empty()
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!("slug `{slug}` must be kebab-case"));
    }
    let module_dir = checks_crate().join("src").join(folder.replace('-', "_"));
    fs::create_dir_all(&module_dir).map_err(|e| e.to_string())?;
    let file = module_dir.join(format!("{}.rs", slug.replace('-', "_")));
    if file.exists() {
        return Err(format!("{} already exists", file.display()));
    }
    let id = next_id(area, &module_dir)?;
    let name = pascal(slug);
    // Workload checks read one pod spec; the other areas so far relate
    // objects across the inventory.
    let template = if area == "WL" {
        POD_SPEC_TEMPLATE
    } else {
        INVENTORY_TEMPLATE
    };
    let source = template
        .replace("{ID}", &id)
        .replace("{SLUG}", slug)
        .replace("{TITLE}", title)
        .replace("{NAME}", &name);
    fs::write(&file, source).map_err(|e| e.to_string())?;
    for verdict in ["fail", "pass"] {
        let dir = checks_crate()
            .join("fixtures")
            .join(folder)
            .join(slug)
            .join(verdict);
        fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    }
    println!("created {id} in {}", file.display());
    println!(
        "next: list `{name}` in {}/mod.rs (module, use and CHECKS, in ID order),",
        module_dir.display()
    );
    println!("      write the check, add fixtures under fixtures/{folder}/{slug}/{{fail,pass}}/,");
    println!(
        "      then `INSTA_UPDATE=always cargo test -p palisade-checks` and review the snapshot,"
    );
    println!("      and `PALISADE_UPDATE_DOCS=1 cargo test -p palisade-checks --test catalogue` for the docs.");
    Ok(())
}

const POD_SPEC_TEMPLATE: &str = r#"use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

declare_check! {
    /// ## What it checks
    /// TODO: the fields read and the exact condition that fails.
    ///
    /// ## Why it matters
    /// TODO: what an attacker gains.
    ///
    /// ## Example
    /// ```yaml
    /// # TODO: the smallest failing snippet
    /// ```
    pub struct {NAME} {
        id: "{ID}",
        slug: "{SLUG}",
        title: "{TITLE}",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "TODO",
        references: &["https://kubernetes.io/docs/"],
        pss: None,
        status: Preview,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            let _ = (pod, cx);
        }
    }
}
"#;

const INVENTORY_TEMPLATE: &str = r#"use palisade_core::{declare_check, Inventory, InventoryContext, Target};

declare_check! {
    /// ## What it checks
    /// TODO: the objects related and the exact condition that fails.
    ///
    /// ## Why it matters
    /// TODO: what an attacker gains.
    ///
    /// ## Example
    /// ```yaml
    /// # TODO: the smallest failing set of objects
    /// ```
    pub struct {NAME} {
        id: "{ID}",
        slug: "{SLUG}",
        title: "{TITLE}",
        severity: Medium,
        target: Target::Inventory,
        remediation: "TODO",
        references: &["https://kubernetes.io/docs/"],
        pss: None,
        status: Preview,
    }
    impl {
        fn check_inventory(&self, inventory: &Inventory, cx: &mut InventoryContext<'_>) {
            // Count each subject judged (cx.evaluated()) and report with
            // cx.fail(object, path, message) or cx.fail_workload(..).
            let _ = (inventory, cx);
        }
    }
}
"#;
