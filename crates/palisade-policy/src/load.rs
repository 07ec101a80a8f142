//! Finding, reading and compiling policy directories.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use palisade_core::{Check, CheckMeta, CheckStatus, Severity, Target};

use crate::cel::CelPolicy;
use crate::check::{Logic, UserCheck};
use crate::rego::RegoPolicy;
use crate::spec::{self, PolicySpec};

/// The declaration file of a policy directory.
pub const SPEC_FILE: &str = "policy.yaml";
/// Policy directories are looked for this deep under a given directory.
const MAX_DEPTH: usize = 6;
/// A policy or fixture file larger than this is refused.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// A problem with one policy, located at its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct LoadError {
    pub file: PathBuf,
    pub message: String,
}

#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// How long one policy may take on one object.
    pub time_limit: Duration,
    /// Bytes one Rego rule may allocate on one object (counted by the
    /// allocator, for rules run as bytecode).
    pub memory_limit: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            time_limit: Duration::from_millis(100),
            memory_limit: 64 << 20,
        }
    }
}

/// A policy and where it came from.
pub struct LoadedPolicy {
    pub check: &'static UserCheck,
    pub dir: PathBuf,
    /// The files it was read from: its declaration, and its Rego source
    /// when that is a file of its own (what a deployment must ship).
    pub sources: Vec<PathBuf>,
    /// Objects the policy must report (`tests/fail/`) and must not
    /// (`tests/pass/`).
    pub fail_fixtures: Vec<PathBuf>,
    pub pass_fixtures: Vec<PathBuf>,
}

#[derive(Default)]
pub struct PolicySet {
    pub policies: Vec<LoadedPolicy>,
}

impl PolicySet {
    /// The policies as checks, for the engine.
    pub fn checks(&self) -> Vec<&'static dyn Check> {
        self.policies
            .iter()
            .map(|p| p.check as &'static dyn Check)
            .collect()
    }

    /// `built_in` followed by these policies: one catalogue, kept for the
    /// life of the process as the built-in one is.
    pub fn catalogue_with(&self, built_in: &[&'static dyn Check]) -> &'static [&'static dyn Check] {
        let mut checks = built_in.to_vec();
        checks.extend(self.checks());
        Box::leak(checks.into_boxed_slice())
    }
}

/// Loads every policy under `roots`. All problems are reported at once,
/// each at its file; nothing is loaded when there is one.
pub fn load(roots: &[PathBuf], options: LoadOptions) -> Result<PolicySet, Vec<LoadError>> {
    let mut dirs = Vec::new();
    let mut errors = Vec::new();
    for root in roots {
        if !root.is_dir() {
            errors.push(LoadError {
                file: root.clone(),
                message: "not a directory of policies".to_string(),
            });
            continue;
        }
        let before = dirs.len();
        find_policy_dirs(root, 0, &mut dirs);
        if dirs.len() == before {
            errors.push(LoadError {
                file: root.clone(),
                message: format!("no policy here (a policy is a directory with {SPEC_FILE})"),
            });
        }
    }
    let mut set = PolicySet::default();
    let mut ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut slugs: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in dirs {
        match load_one(&dir, options) {
            Ok(policy) => {
                let file = dir.join(SPEC_FILE);
                let meta = policy.check.meta;
                if let Some(first) = ids.insert(meta.id.to_string(), file.clone()) {
                    errors.push(LoadError {
                        file: file.clone(),
                        message: format!("id {} is also used by {}", meta.id, first.display()),
                    });
                }
                if let Some(first) = slugs.insert(meta.slug.to_string(), file.clone()) {
                    errors.push(LoadError {
                        file,
                        message: format!("slug {} is also used by {}", meta.slug, first.display()),
                    });
                }
                set.policies.push(policy);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        set.policies.sort_by_key(|p| p.check.meta.id);
        Ok(set)
    } else {
        Err(errors)
    }
}

fn find_policy_dirs(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if dir.join(SPEC_FILE).is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    children.sort();
    for child in children {
        find_policy_dirs(&child, depth + 1, out);
    }
}

fn read_small(file: &Path) -> Result<String, LoadError> {
    let error = |message: String| LoadError {
        file: file.to_path_buf(),
        message,
    };
    let size = std::fs::metadata(file)
        .map_err(|e| error(format!("cannot read: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(error(format!(
            "{size} bytes is more than the {MAX_FILE_BYTES} allowed"
        )));
    }
    std::fs::read_to_string(file).map_err(|e| error(format!("cannot read: {e}")))
}

/// The first document of a YAML or JSON file, read as kubectl reads it.
pub(crate) fn read_yaml(file: &Path) -> Result<serde_json::Value, LoadError> {
    let text = read_small(file)?;
    let name = file.display().to_string();
    let limits = palisade_collect::manifest::Limits::default();
    for chunk in palisade_collect::manifest::document_chunks(&text) {
        if let Some(document) = palisade_collect::manifest::parse_chunk(&name, chunk, &limits)
            .into_iter()
            .next()
        {
            return document.map(|d| d.value).map_err(|e| LoadError {
                file: file.to_path_buf(),
                message: e.to_string(),
            });
        }
    }
    Ok(serde_json::Value::Null)
}

static NEXT_KEY: AtomicUsize = AtomicUsize::new(0);

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn load_one(dir: &Path, options: LoadOptions) -> Result<LoadedPolicy, Vec<LoadError>> {
    let file = dir.join(SPEC_FILE);
    let at = |message: String| {
        vec![LoadError {
            file: file.clone(),
            message,
        }]
    };
    let value = read_yaml(&file).map_err(|e| vec![e])?;
    let mut spec: PolicySpec = serde_json::from_value(value).map_err(|e| at(e.to_string()))?;
    // A `policy.rego` beside the declaration is the policy's logic.
    if spec.rego.is_none() && spec.cel.is_none() && dir.join("policy.rego").is_file() {
        spec.rego = Some(crate::spec::RegoSpec::default());
    }
    let problems = spec::validate(&spec);
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|message| LoadError {
                file: file.clone(),
                message,
            })
            .collect());
    }
    let slug = match &spec.slug {
        Some(slug) => slug.clone(),
        None => {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if !spec::valid_slug(&name) {
                return Err(at(format!(
                    "the directory name `{name}` is not kebab-case: give a slug"
                )));
            }
            name
        }
    };
    let severity: Severity = spec
        .severity
        .parse()
        .map_err(|_| at(format!("unknown severity {}", spec.severity)))?;
    let (logic, source_file) = match (&spec.rego, &spec.cel) {
        (Some(rego), _) => {
            let name = rego.file.as_deref().unwrap_or("policy.rego");
            let rego_file = dir.join(name);
            let source = read_small(&rego_file).map_err(|e| vec![e])?;
            let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
            let policy = RegoPolicy::compile(
                &rego_file.display().to_string(),
                &source,
                rego.input,
                spec.params.as_ref(),
                options,
                key,
            )
            .map_err(|message| {
                vec![LoadError {
                    file: rego_file.clone(),
                    message,
                }]
            })?;
            (Logic::Rego(Box::new(policy)), name.to_string())
        }
        (None, Some(cel)) => (
            Logic::Cel(
                CelPolicy::compile(cel, spec.params.as_ref(), options.time_limit).map_err(at)?,
            ),
            SPEC_FILE.to_string(),
        ),
        (None, None) => return Err(at("no rego or cel".to_string())),
    };
    let kinds: Vec<&'static str> = spec.kinds.iter().map(|k| leak(k.clone())).collect();
    let references: Vec<&'static str> = spec.references.iter().map(|r| leak(r.clone())).collect();
    let description = format!(
        "## What it checks\n\n{}\n\nA user policy in {}, from `{}`.\n",
        spec.description.as_deref().unwrap_or(&spec.title).trim(),
        logic.language(),
        dir.join(&source_file).display()
    );
    let meta: &'static CheckMeta = Box::leak(Box::new(CheckMeta {
        id: leak(spec.id.clone()),
        slug: leak(slug),
        title: leak(spec.title.trim().to_string()),
        severity,
        target: Target::Object(Box::leak(kinds.into_boxed_slice())),
        description: leak(description),
        remediation: leak(spec.remediation.trim().to_string()),
        references: Box::leak(references.into_boxed_slice()),
        pss: None,
        status: CheckStatus::Stable,
        reads: &[],
        manifests_only: false,
    }));
    let check: &'static UserCheck = Box::leak(Box::new(UserCheck { meta, logic }));
    let mut sources = vec![file.clone()];
    if source_file != SPEC_FILE {
        sources.push(dir.join(&source_file));
    }
    Ok(LoadedPolicy {
        check,
        dir: dir.to_path_buf(),
        sources,
        fail_fixtures: fixtures(&dir.join("tests").join("fail")),
        pass_fixtures: fixtures(&dir.join("tests").join("pass")),
    })
}

fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
        })
        .collect();
    files.sort();
    files
}
