//! `palisade rbac who-can | can | paths`: queries over the RBAC graph of
//! the scanned manifests, in a table or JSON.

use std::io::{self, Write};

use anyhow::{bail, Result};
use palisade_collect::{discover, Limits};
use palisade_core::rbac::query::{
    can, escalation_paths, is_superuser, who_can, ChainTexts, Step, SubjectEntry,
};
use palisade_core::rbac::{request_for, Request, Scope, Subject, SubjectKind};
use palisade_core::{InputError, Inventory, Settings};
use palisade_engine::Engine;
use serde_json::json;

use crate::cli::{Format, RbacCommand, RbacInput};
use crate::exit;
use crate::pipeline;

/// The inventory of the inputs, and what went wrong reading them.
struct Loaded {
    inventory: Inventory,
    errors: Vec<InputError>,
    warnings: Vec<InputError>,
}

/// With `PALISADE_TIMINGS` set, how long a step took (for benchmarks).
fn timing(step: &str, started: std::time::Instant) {
    if std::env::var_os("PALISADE_TIMINGS").is_some() {
        eprintln!("timings: {step} {:?}", started.elapsed());
    }
}

fn load(input: &RbacInput) -> Loaded {
    let started = std::time::Instant::now();
    let engine = Engine::new(Vec::new(), Settings::default()).collecting_inventory();
    let (inputs, discovery_errors) = discover(&input.paths, !input.no_kustomize);
    let mut outcome = pipeline::scan(&inputs, &engine, &Limits::default());
    outcome.errors.extend(discovery_errors);
    engine.evaluate_inventory(&mut outcome);
    timing("load", started);
    let inventory = std::mem::take(&mut outcome.inventory);
    let mut warnings = outcome.warnings;
    warnings.extend(completeness_warnings(&inventory));
    Loaded {
        inventory,
        errors: outcome.errors,
        warnings,
    }
}

/// What makes an answer incomplete: no RBAC objects at all, or bindings
/// to roles whose rules are unknown (missing, or built-in ones palisade
/// does not model).
fn completeness_warnings(inventory: &Inventory) -> Vec<InputError> {
    let graph = inventory.rbac();
    let rbac_objects = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]
        .iter()
        .map(|k| inventory.of_kind(k).count())
        .sum::<usize>();
    if rbac_objects == 0 {
        return vec![InputError::new(
            "<inputs>",
            None,
            "no Role, ClusterRole, RoleBinding or ClusterRoleBinding was found in the inputs; only the built-in roles are known",
        )];
    }
    let unknown: Vec<&palisade_core::rbac::Binding> = graph
        .bindings()
        .iter()
        .filter(|b| b.role.is_none())
        .collect();
    let Some(first) = unknown.first() else {
        return Vec::new();
    };
    let object = inventory.object(first.object);
    let examples: Vec<String> = unknown
        .iter()
        .take(3)
        .map(|b| format!("{} → {} {}", b.display(), b.role_ref.kind, b.role_ref.name))
        .collect();
    vec![InputError::new(
        object.source.file.to_string(),
        Some(object.source.pos),
        format!(
            "{} binding(s) refer to roles whose rules are unknown (not in the inputs, or built-in roles palisade does not model), so answers about their subjects may be incomplete: {}{}",
            unknown.len(),
            examples.join("; "),
            if unknown.len() > 3 { "; ..." } else { "" }
        ),
    )]
}

/// Input problems go to standard error in the table format and into the
/// document in JSON; errors make the exit code 2 (the answer may be
/// incomplete).
fn report_problems(loaded: &Loaded, format: Format) {
    if format == Format::Table {
        for e in &loaded.errors {
            eprintln!("palisade: error: {e}");
        }
        for w in &loaded.warnings {
            eprintln!("palisade: warning: {w}");
        }
    }
}

fn exit_code(loaded: &Loaded, found: bool, found_code: u8) -> u8 {
    if !loaded.errors.is_empty() {
        exit::ERROR
    } else if found {
        found_code
    } else {
        exit::CLEAN
    }
}

fn chain_text(steps: &[Step]) -> String {
    steps
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The `who-can` JSON document; written straight from the answer, since a
/// broad question can have 100,000 chains.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct WhoCanDocument<'a> {
    verb: &'a str,
    resource: &'a str,
    api_group: Option<&'a str>,
    name: Option<&'a str>,
    namespace: Option<&'a str>,
    scope: &'static str,
    subjects: &'a [SubjectEntry],
    errors: &'a [InputError],
    warnings: &'a [InputError],
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(())
}

pub fn run(command: RbacCommand) -> Result<u8> {
    match command {
        RbacCommand::WhoCan {
            verb,
            resource,
            namespace,
            cluster_wide,
            name,
            input,
        } => {
            let request = request_for(&verb, &resource, name.as_deref())?;
            let loaded = load(&input);
            let scope = match (&namespace, cluster_wide) {
                (Some(ns), _) => Scope::Namespace(ns),
                (None, true) => Scope::Cluster,
                (None, false) => Scope::Anywhere,
            };
            let started = std::time::Instant::now();
            let found = who_can(&loaded.inventory, &request, scope);
            timing("who-can", started);
            let started = std::time::Instant::now();
            let mut texts = ChainTexts::default();
            let subjects: Vec<_> = found
                .iter()
                .map(|s| s.entry(&loaded.inventory, &mut texts))
                .collect();
            timing("who-can chains", started);
            report_problems(&loaded, input.format);
            match input.format {
                Format::Json => {
                    let (group, resource) = match &request {
                        Request::Resource {
                            group, resource, ..
                        } => (Some(group.clone()), resource.clone()),
                        Request::NonResource { path, .. } => (None, path.clone()),
                    };
                    print_json(&WhoCanDocument {
                        verb: &verb,
                        resource: &resource,
                        api_group: group.as_deref(),
                        name: name.as_deref(),
                        namespace: namespace.as_deref(),
                        scope: match scope {
                            Scope::Namespace(_) => "namespace",
                            Scope::Cluster => "cluster-wide",
                            Scope::Anywhere => "any",
                        },
                        subjects: &subjects,
                        errors: &loaded.errors,
                        warnings: &loaded.warnings,
                    })?;
                }
                Format::Table => {
                    let mut out = io::stdout().lock();
                    if subjects.is_empty() {
                        writeln!(out, "No subject can {verb} {resource}.")?;
                    }
                    let width = subjects
                        .iter()
                        .map(|s| subject_text(s.kind, &s.name, s.namespace.as_deref()).len())
                        .max()
                        .unwrap_or(0);
                    for s in &subjects {
                        let who = subject_text(s.kind, &s.name, s.namespace.as_deref());
                        writeln!(
                            out,
                            "{who:<width$}  {:<22}  via {}",
                            s.scope,
                            chain_text(&s.via)
                        )?;
                        for other in &s.also_via {
                            writeln!(out, "{:<width$}  {:<22}  via {}", "", "", chain_text(other))?;
                        }
                    }
                }
            }
            Ok(exit_code(&loaded, false, exit::CLEAN))
        }
        RbacCommand::Can {
            subject,
            groups,
            input,
        } => {
            let Some(who) = Subject::parse(&subject) else {
                bail!("cannot read subject {subject:?}: write User/NAME, Group/NAME or ServiceAccount/NAMESPACE/NAME");
            };
            let loaded = load(&input);
            let started = std::time::Instant::now();
            let rules = can(&loaded.inventory, &who, &groups);
            timing("can", started);
            let mut all_groups = who.implicit_groups();
            all_groups.extend(groups.iter().cloned());
            if who.kind == SubjectKind::Group {
                all_groups.push(who.name.clone());
            }
            let superuser = is_superuser(loaded.inventory.rbac(), &who, &all_groups);
            report_problems(&loaded, input.format);
            match input.format {
                Format::Json => print_json(&json!({
                    "subject": {"kind": who.kind.as_str(), "name": who.name, "namespace": who.namespace},
                    "groups": all_groups,
                    "clusterAdminEquivalent": superuser,
                    "rules": rules,
                    "errors": loaded.errors,
                    "warnings": loaded.warnings,
                }))?,
                Format::Table => {
                    let mut out = io::stdout().lock();
                    writeln!(out, "{who} (groups: {})", all_groups.join(", "))?;
                    if superuser {
                        writeln!(
                            out,
                            "holds every permission cluster-wide (cluster-admin equivalent)"
                        )?;
                    }
                    if rules.is_empty() {
                        writeln!(out, "No rule grants it anything.")?;
                    }
                    for r in &rules {
                        let what = if r.non_resource_urls.is_empty() {
                            let groups: Vec<&str> = r
                                .api_groups
                                .iter()
                                .map(|g| if g.is_empty() { "core" } else { g.as_str() })
                                .collect();
                            let names = if r.resource_names.is_empty() {
                                String::new()
                            } else {
                                format!(" only {}", r.resource_names.join(","))
                            };
                            format!(
                                "{} {} ({}){names}",
                                r.verbs.join(","),
                                r.resources.join(","),
                                groups.join(",")
                            )
                        } else {
                            format!("{} {}", r.verbs.join(","), r.non_resource_urls.join(","))
                        };
                        writeln!(
                            out,
                            "{what}\n    {} as {} via {}",
                            r.scope,
                            r.granted_to,
                            chain_text(&r.via)
                        )?;
                    }
                }
            }
            Ok(exit_code(&loaded, false, exit::CLEAN))
        }
        RbacCommand::Paths { input } => {
            let loaded = load(&input);
            let started = std::time::Instant::now();
            let paths = escalation_paths(&loaded.inventory);
            timing("paths", started);
            report_problems(&loaded, input.format);
            match input.format {
                Format::Json => print_json(&json!({
                    "paths": paths,
                    "errors": loaded.errors,
                    "warnings": loaded.warnings,
                }))?,
                Format::Table => {
                    let mut out = io::stdout().lock();
                    if paths.is_empty() {
                        writeln!(
                            out,
                            "No escalation path to cluster-admin-equivalent power found."
                        )?;
                    }
                    for p in &paths {
                        writeln!(
                            out,
                            "{} → cluster-admin equivalent in {} step(s)",
                            subject_text(p.kind, &p.name, p.namespace.as_deref()),
                            p.steps.len()
                        )?;
                        for (i, step) in p.steps.iter().enumerate() {
                            let via = if step.via.is_empty() {
                                String::new()
                            } else {
                                format!(" via {}", chain_text(&step.via))
                            };
                            writeln!(out, "  {}. {}: {}{via}", i + 1, step.from, step.action)?;
                        }
                    }
                }
            }
            Ok(exit_code(&loaded, !paths.is_empty(), exit::FINDINGS))
        }
    }
}

fn subject_text(kind: &str, name: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some("") => format!("{kind} {name} (namespace unset)"),
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}
