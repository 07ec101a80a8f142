//! Check documentation generated from the declarations: `palisade checks
//! explain` prints it, and `docs/checks/<ID>.md` is written from it (a test
//! keeps the files current).

use std::fmt::Write;

use palisade_core::CheckMeta;

/// The Markdown page of one check; `controls` are the framework controls
/// that name it (`cis-1.10 5.2.2`), from the framework data.
pub fn check_page(meta: &CheckMeta, controls: &[String]) -> String {
    let mut page = String::new();
    let _ = writeln!(page, "# {} {}: {}\n", meta.id, meta.slug, meta.title);
    let _ = writeln!(page, "| | |\n|---|---|");
    let _ = writeln!(page, "| Severity | {} |", meta.severity);
    let target = match meta.target {
        palisade_core::Target::PodSpec => "pod spec of every pod-bearing kind".to_string(),
        palisade_core::Target::Object([]) => "every object".to_string(),
        palisade_core::Target::Object(kinds) => kinds.join(", "),
        palisade_core::Target::Inventory => {
            "the whole inventory (objects related across the scan)".to_string()
        }
    };
    let _ = writeln!(page, "| Applies to | {target} |");
    let _ = writeln!(page, "| Status | {} |", meta.status.as_str());
    if let Some(pss) = meta.pss {
        let overrides = pss
            .overrides
            .map(|id| format!("; replaces {id} in the restricted profile"))
            .unwrap_or_default();
        let _ = writeln!(
            page,
            "| Pod Security Standards | {} — {} (from {}{overrides}) |",
            pss.level, pss.control, pss.since
        );
    }
    if !controls.is_empty() {
        let _ = writeln!(page, "| Frameworks | {} |", controls.join(", "));
    }
    page.push('\n');
    for line in meta.description.lines() {
        // Doc comments keep the space after `///`.
        let line = line.strip_prefix(' ').unwrap_or(line);
        page.push_str(line.trim_end());
        page.push('\n');
    }
    let _ = writeln!(page, "\n## Remediation\n\n{}", meta.remediation);
    if !meta.references.is_empty() {
        let _ = writeln!(page, "\n## References\n");
        for r in meta.references {
            let _ = writeln!(page, "- <{r}>");
        }
    }
    page
}

/// The index page of the catalogue (`docs/checks/README.md`).
pub fn catalogue_index(checks: &[&CheckMeta]) -> String {
    let mut page = String::from(
        "# Check catalogue\n\nGenerated from the check declarations; `palisade checks explain ID` prints the same pages.\n\n| ID | severity | PSS | title |\n|---|---|---|---|\n",
    );
    for m in checks {
        let pss = m
            .pss
            .map(|p| format!("{} (from {})", p.level, p.since))
            .unwrap_or_default();
        let _ = writeln!(
            page,
            "| [{}]({}.md) | {} | {} | {} |",
            m.id, m.id, m.severity, pss, m.title
        );
    }
    page
}
