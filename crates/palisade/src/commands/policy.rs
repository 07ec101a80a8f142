//! `palisade policy test`: every policy's fixtures through the same
//! engine as a scan, as the built-in checks' harness runs theirs. A
//! fixture is a manifest, or an `AdmissionReview` whose request (UPDATE,
//! `oldObject`, `userInfo`) the policy is judged under.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Result;
use std::sync::Arc;

use palisade_collect::manifest::{document_chunks, parse_chunk};
use palisade_collect::{discover, Limits};
use palisade_core::{Check, InputError, Pos, Resource, Settings, SourceRef, SpanIndex};
use palisade_engine::{Engine, Outcome as EngineOutcome};
use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::cli::{Format, PolicyCommand, PolicyTestArgs};
use crate::{exit, pipeline};

pub fn run(command: PolicyCommand) -> Result<u8> {
    match command {
        PolicyCommand::Test(args) => test(args),
    }
}

#[derive(Debug, Serialize)]
struct Outcome {
    policy: &'static str,
    fixture: String,
    /// `fail` (the policy must report it) or `pass`.
    expect: &'static str,
    findings: usize,
    ok: bool,
    /// The policy's messages, or why the fixture could not be judged.
    messages: Vec<String>,
}

/// The request of a fixture written as an `AdmissionReview` (to test a
/// policy on UPDATE, with `oldObject`, or as a given user).
fn review_request(file: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(file).ok()?;
    let name = file.display().to_string();
    let chunk = document_chunks(&text).into_iter().next()?;
    let document = parse_chunk(&name, chunk, &Limits::default())
        .into_iter()
        .next()?
        .ok()?;
    let value = document.value;
    (value.get("kind")?.as_str()? == "AdmissionReview")
        .then(|| value.get("request").cloned())
        .flatten()
}

/// Judges the object of an `AdmissionReview` fixture under its request.
fn judge_review(engine: &Engine, file: &Path, request: serde_json::Value) -> EngineOutcome {
    let mut outcome = EngineOutcome::default();
    let source = SourceRef {
        file: Arc::from(file.display().to_string()),
        spans: Arc::new(SpanIndex::default()),
        base: palisade_core::span::ROOT_HASH,
        pos: Pos::default(),
    };
    let object = request.get("object").cloned().unwrap_or_default();
    match Resource::from_value(object, source) {
        Ok(resource) => {
            palisade_policy::with_request(request, || engine.evaluate(resource, &mut outcome))
        }
        Err(_) => outcome.errors.push(InputError::new(
            file.display().to_string(),
            None,
            "the review's request.object is not a Kubernetes object",
        )),
    }
    outcome
}

fn run_fixture(check: &'static dyn Check, file: &Path, expect: &'static str) -> Outcome {
    let engine = Engine::new(vec![check], Settings::default());
    let (outcome, mut errors) = match review_request(file) {
        Some(request) => (judge_review(&engine, file, request), Vec::new()),
        None => {
            let (inputs, errors) = discover(&[file.to_path_buf()], false);
            (pipeline::scan(&inputs, &engine, &Limits::default()), errors)
        }
    };
    errors.extend(outcome.errors);
    let messages: Vec<String> = if errors.is_empty() {
        outcome
            .findings
            .iter()
            .map(|f| format!("{} at {}: {}", f.resource, f.path, f.message))
            .collect()
    } else {
        errors.iter().map(ToString::to_string).collect()
    };
    let findings = outcome.findings.len();
    let ok = errors.is_empty()
        && match expect {
            "fail" => findings > 0,
            _ => findings == 0,
        };
    Outcome {
        policy: check.meta().id,
        fixture: file.display().to_string(),
        expect,
        findings,
        ok,
        messages,
    }
}

fn test(args: PolicyTestArgs) -> Result<u8> {
    let catalogue = Catalogue::load(&args.paths, args.limits.options())?;
    let mut outcomes = Vec::new();
    let mut untested = Vec::new();
    for policy in &catalogue.policies.policies {
        let check: &'static dyn Check = policy.check;
        if policy.fail_fixtures.is_empty() || policy.pass_fixtures.is_empty() {
            untested.push(format!(
                "{}: needs at least one fixture in {} and one in {}",
                check.meta().id,
                policy.dir.join("tests/fail").display(),
                policy.dir.join("tests/pass").display()
            ));
        }
        for file in &policy.fail_fixtures {
            outcomes.push(run_fixture(check, file, "fail"));
        }
        for file in &policy.pass_fixtures {
            outcomes.push(run_fixture(check, file, "pass"));
        }
    }
    let failed = outcomes.iter().filter(|o| !o.ok).count();
    let mut out = io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({
                    "policies": catalogue.policies.policies.len(),
                    "fixtures": outcomes,
                    "untested": untested,
                    "failed": failed,
                }),
            )?;
            writeln!(out)?;
        }
        Format::Table => {
            for o in &outcomes {
                let verdict = if o.ok { "ok  " } else { "FAIL" };
                let want = if o.expect == "fail" {
                    "should be reported"
                } else {
                    "should pass"
                };
                writeln!(
                    out,
                    "{verdict}  {:<12}  {}  ({want}; {} finding{})",
                    o.policy,
                    o.fixture,
                    o.findings,
                    if o.findings == 1 { "" } else { "s" }
                )?;
                if !o.ok {
                    for message in &o.messages {
                        writeln!(out, "        {message}")?;
                    }
                }
            }
            for line in &untested {
                writeln!(out, "FAIL  {line}")?;
            }
            writeln!(
                out,
                "\n{} policies, {} fixtures: {} passed, {} failed{}.",
                catalogue.policies.policies.len(),
                outcomes.len(),
                outcomes.len() - failed,
                failed,
                if untested.is_empty() {
                    String::new()
                } else {
                    format!(", {} without fixtures", untested.len())
                }
            )?;
        }
    }
    Ok(if failed > 0 || !untested.is_empty() {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}
