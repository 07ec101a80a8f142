//! The frameworks a command can use: palisade's own, plus the user's
//! framework files, each checked to name only checks that exist.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use palisade_frameworks::Framework;

/// Every check a framework may name: the scan catalogue and the node
/// audit's own checks.
pub fn known_checks() -> BTreeSet<&'static str> {
    palisade_checks::catalogue()
        .iter()
        .map(|c| c.meta().id)
        .chain(palisade_node::deep::CHECKS.iter().map(|c| c.id))
        .collect()
}

/// palisade's frameworks, then the user's (a user's framework with a
/// built-in name replaces it).
pub fn load(files: &[PathBuf]) -> Result<Vec<Framework>> {
    let mut frameworks = palisade_frameworks::built_in();
    let known = known_checks();
    for file in files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read framework file {}", file.display()))?;
        let framework = palisade_frameworks::parse(&file.to_string_lossy(), &text)?;
        let unknown = palisade_frameworks::unknown_checks(&framework, &known);
        if !unknown.is_empty() {
            bail!(
                "{}: framework `{}` names checks that do not exist: {} (see `palisade checks list`)",
                file.display(),
                framework.name,
                unknown.join(", ")
            );
        }
        let node_ids: BTreeSet<&str> = palisade_node::benchmark::all()
            .iter()
            .flat_map(|b| b.recommendations.iter().map(|r| r.id))
            .collect();
        let unknown_node: Vec<&str> = framework
            .controls
            .iter()
            .filter_map(|c| c.node.as_deref())
            .filter(|id| !node_ids.contains(id))
            .collect();
        if !unknown_node.is_empty() {
            bail!(
                "{}: framework `{}` names node recommendations that do not exist: {} (see docs/node-benchmarks.md)",
                file.display(),
                framework.name,
                unknown_node.join(", ")
            );
        }
        frameworks.retain(|f| f.name != framework.name);
        frameworks.push(framework);
    }
    Ok(frameworks)
}

/// The framework controls that name each check, over palisade's own
/// frameworks.
pub fn controls_by_check() -> BTreeMap<String, Vec<String>> {
    palisade_frameworks::controls_by_check(&palisade_frameworks::built_in())
}
