//! Rego policies, evaluated by regorus. A policy reports through `deny`
//! (conftest and plain OPA) or `violation` (Gatekeeper) rules: a set of
//! messages, or of objects with `msg` and optionally `path`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::num::{NonZeroU32, NonZeroU64};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::spec::InputForm;
use crate::verdict::{Verdict, Violation};

/// The rules a policy may report through.
const RULES: [&str; 2] = ["violation", "deny"];

/// Instructions one rule may execute on one object in regorus' virtual
/// machine: a deterministic bound beside the time limit.
pub const MAX_INSTRUCTIONS: usize = 1_000_000;

/// A compiled Rego policy.
pub struct RegoPolicy {
    /// Compiled once; cloned into each thread that evaluates it.
    prototype: regorus::Engine,
    /// Each rule compiled to regorus' bytecode (several times faster than
    /// its interpreter), or `None` where the compiler does not support
    /// the rule, which the interpreter then evaluates.
    programs: Vec<Option<Arc<regorus::rvm::program::Program>>>,
    data: regorus::Value,
    time_limit: Duration,
    memory_limit: u64,
    /// The rules to read, as `data.<package>.<rule>`.
    rules: Vec<String>,
    form: InputForm,
    parameters: regorus::Value,
    /// Tells this policy's engines apart in each thread's cache.
    key: usize,
}

/// A thread's evaluators of one policy.
struct Runners {
    engine: regorus::Engine,
    machines: Vec<Option<regorus::rvm::RegoVM>>,
}

thread_local! {
    static RUNNERS: RefCell<HashMap<usize, Runners>> = RefCell::new(HashMap::new());
}

impl RegoPolicy {
    /// Compiles `source` (from `file`, for messages). The Rego version is
    /// the one the text is written in: v1 (OPA 1.0, `if` and `contains`)
    /// or else v0 (Gatekeeper templates).
    pub fn compile(
        file: &str,
        source: &str,
        form: Option<InputForm>,
        params: Option<&Value>,
        limits: crate::LoadOptions,
        key: usize,
    ) -> Result<RegoPolicy, String> {
        let time_limit = limits.time_limit;
        let build = |v0: bool| -> Result<(regorus::Engine, String), String> {
            let mut engine = regorus::Engine::new();
            engine.set_rego_v0(v0);
            // OPA's behaviour: a builtin given bad input makes the rule
            // undefined rather than failing the whole evaluation.
            engine.set_strict_builtin_errors(false);
            let package = engine
                .add_policy(file.to_string(), source.to_string())
                .map_err(|e| e.to_string())?;
            Ok((engine, package))
        };
        let (mut engine, package) = match build(false) {
            Ok(built) => built,
            Err(v1_error) => build(true).map_err(|v0_error| {
                if source.contains("import rego.v1") || source.contains(" if ") {
                    v1_error
                } else {
                    v0_error
                }
            })?,
        };
        let rules: Vec<String> = RULES
            .iter()
            .filter(|rule| {
                // The rule as the module writes it, or rooted at `data`.
                [rule.to_string(), format!("{package}.{rule}")]
                    .iter()
                    .any(|name| {
                        engine
                            .has_declared_rule_rooted_at(file, name)
                            .unwrap_or(false)
                    })
            })
            .map(|rule| format!("{package}.{rule}"))
            .collect();
        if rules.is_empty() {
            return Err(format!(
                "{package} declares neither a `violation` nor a `deny` rule"
            ));
        }
        let parameters = match params {
            Some(p) => regorus::Value::deserialize(p).map_err(|e| e.to_string())?,
            None => regorus::Value::new_object(),
        };
        let data = serde_json::json!({ "parameters": params.cloned().unwrap_or_else(|| serde_json::json!({})) });
        let data = regorus::Value::deserialize(&data).map_err(|e| e.to_string())?;
        engine.add_data(data.clone()).map_err(|e| e.to_string())?;
        engine.set_execution_timer_config(timer(time_limit));
        let form = form.unwrap_or(if source.contains("input.review") {
            InputForm::Review
        } else {
            InputForm::Object
        });
        // Compile now, so that mistakes show at load time, not on the
        // first object.
        let mut probe = engine.clone();
        probe.set_input(regorus::Value::new_object());
        for rule in &rules {
            if let Err(e) = probe.eval_rule(rule.clone()) {
                // Running out of time on an empty input is not a mistake
                // in the text; anything else is.
                if e.downcast_ref::<regorus::utils::limits::LimitError>()
                    .is_none()
                {
                    return Err(e.to_string());
                }
            }
        }
        let programs = rules
            .iter()
            .map(|rule| compile_program(&mut engine.clone(), rule))
            .collect();
        Ok(RegoPolicy {
            prototype: engine,
            programs,
            data,
            time_limit,
            memory_limit: limits.memory_limit,
            rules,
            form,
            parameters,
            key,
        })
    }

    /// Judges one object, whose input forms come from `inputs`.
    pub fn evaluate(&self, inputs: &mut crate::prepared::Prepared) -> Verdict {
        let input = match self.form {
            InputForm::Object => inputs.rego_object().clone(),
            InputForm::Review => {
                let mut input = regorus::Value::new_object();
                if let Ok(map) = input.as_object_mut() {
                    map.insert(regorus::Value::from("review"), inputs.rego_review().clone());
                    map.insert(regorus::Value::from("parameters"), self.parameters.clone());
                }
                input
            }
        };
        RUNNERS.with(|runners| {
            let mut runners = runners.borrow_mut();
            let runner = runners.entry(self.key).or_insert_with(|| self.runners());
            let mut verdict = Verdict::default();
            for (i, rule) in self.rules.iter().enumerate() {
                let result = match runner.machines.get_mut(i).and_then(Option::as_mut) {
                    Some(vm) => {
                        vm.set_input(input.clone());
                        vm.execute().map_err(|e| e.to_string())
                    }
                    None => {
                        runner.engine.set_input(input.clone());
                        runner
                            .engine
                            .eval_rule(rule.clone())
                            .map_err(|e| e.to_string())
                    }
                };
                match result {
                    Ok(value) => read_results(&value, &mut verdict),
                    Err(e) => {
                        verdict.error = Some(first_line(&e));
                        break;
                    }
                }
            }
            verdict
        })
    }

    /// Drops this thread's evaluators of the policy, rebuilt on next use.
    pub fn forget_thread_state(&self) {
        RUNNERS.with(|runners| {
            if let Ok(mut runners) = runners.try_borrow_mut() {
                runners.remove(&self.key);
            }
        });
    }

    /// The evaluators of a thread that had none yet.
    fn runners(&self) -> Runners {
        let machines = self
            .programs
            .iter()
            .map(|program| {
                let program = program.as_ref()?;
                let mut vm = regorus::rvm::RegoVM::new();
                vm.load_program(Arc::clone(program));
                vm.set_data(self.data.clone()).ok()?;
                vm.set_max_instructions(MAX_INSTRUCTIONS);
                vm.set_execution_timer_config(Some(timer(self.time_limit)));
                vm.set_memory_budget_config(Some(regorus::MemoryBudgetConfig {
                    limit: NonZeroU64::new(self.memory_limit).unwrap_or(NonZeroU64::MIN),
                }));
                Some(vm)
            })
            .collect();
        Runners {
            engine: self.prototype.clone(),
            machines,
        }
    }
}

fn timer(limit: Duration) -> regorus::utils::limits::ExecutionTimerConfig {
    regorus::utils::limits::ExecutionTimerConfig {
        limit,
        check_interval: NonZeroU32::new(32).unwrap_or(NonZeroU32::MIN),
    }
}

/// `rule` in bytecode, or `None` where the compiler does not take it.
fn compile_program(
    engine: &mut regorus::Engine,
    rule: &str,
) -> Option<Arc<regorus::rvm::program::Program>> {
    let entry: regorus::Rc<str> = rule.into();
    let compiled = engine.compile_with_entrypoint(&entry).ok()?;
    regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[rule]).ok()
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).to_string()
}

/// Reads a rule's value: a set or array of messages or of objects with
/// `msg` (and `path`), a message, or `true`.
fn read_results(value: &regorus::Value, verdict: &mut Verdict) {
    if matches!(value, regorus::Value::Undefined) {
        return;
    }
    let Ok(json) = serde_json::to_value(value) else {
        verdict.error = Some("the rule's value is not JSON".to_string());
        return;
    };
    match &json {
        Value::Array(items) => {
            for item in items {
                verdict.push(violation_of(item));
            }
        }
        Value::Bool(true) => verdict.push(Violation::default()),
        Value::Bool(false) | Value::Null => {}
        other => verdict.push(violation_of(other)),
    }
}

fn violation_of(item: &Value) -> Violation {
    match item {
        Value::String(message) => Violation {
            message: Some(message.clone()),
            path: None,
        },
        Value::Object(map) => Violation {
            message: map
                .get("msg")
                .or_else(|| map.get("message"))
                .and_then(Value::as_str)
                .map(str::to_string),
            path: map.get("path").and_then(Value::as_str).map(str::to_string),
        },
        other => Violation {
            message: Some(other.to_string()),
            path: None,
        },
    }
}
