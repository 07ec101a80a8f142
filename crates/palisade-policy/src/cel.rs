//! CEL policies in the manner of a ValidatingAdmissionPolicy: match
//! conditions, variables composed in order, and validations that must hold,
//! over `object`, `oldObject`, `request`, `params` and `variables`, with
//! Kubernetes' CEL libraries (quantities, URLs, IPs, regexes, …).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cel_lang::{self as cel, Context, Program};
use serde_json::Value;

use crate::prepared::{cel_value, Prepared};
use crate::spec::CelSpec;
use crate::verdict::{Verdict, Violation};

thread_local! {
    /// The functions, registered once per thread.
    static ROOT: Context<'static> = {
        let mut root = Context::default();
        kube_cel::register_all(&mut root);
        root
    };
}

struct Named {
    name: String,
    program: Program,
}

struct Rule {
    program: Program,
    message: Option<String>,
    message_program: Option<Program>,
    field_path: Option<String>,
    source: String,
}

pub struct CelPolicy {
    conditions: Vec<Named>,
    variables: Vec<Named>,
    rules: Vec<Rule>,
    params: cel::Value,
    time_limit: Duration,
}

fn compile(what: &str, expression: &str) -> Result<Program, String> {
    Program::compile(expression).map_err(|e| format!("{what}: {e}"))
}

impl CelPolicy {
    pub fn compile(
        spec: &CelSpec,
        params: Option<&Value>,
        time_limit: Duration,
    ) -> Result<CelPolicy, String> {
        let named = |list: &[crate::spec::NamedExpression], what: &str| {
            list.iter()
                .map(|n| {
                    Ok(Named {
                        name: n.name.clone(),
                        program: compile(&format!("{what} `{}`", n.name), &n.expression)?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()
        };
        let conditions = named(&spec.match_conditions, "matchConditions")?;
        let variables = named(&spec.variables, "variable")?;
        let rules = spec
            .validations
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Ok(Rule {
                    program: compile(&format!("validations[{i}].expression"), &v.expression)?,
                    message: v.message.clone(),
                    message_program: v
                        .message_expression
                        .as_deref()
                        .map(|m| compile(&format!("validations[{i}].messageExpression"), m))
                        .transpose()?,
                    field_path: v.field_path.clone(),
                    source: v.expression.clone(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(CelPolicy {
            conditions,
            variables,
            rules,
            params: params.map_or(cel::Value::Null, cel_value),
            time_limit,
        })
    }

    pub fn evaluate(&self, inputs: &mut Prepared<'_>) -> Verdict {
        let inputs = inputs.cel().clone();
        ROOT.with(|root| {
            let mut scope = root.new_inner_scope();
            scope.add_variable_from_value("object", inputs.object);
            scope.add_variable_from_value("oldObject", inputs.old_object);
            scope.add_variable_from_value("request", inputs.request);
            scope.add_variable_from_value("params", self.params.clone());
            // Not known outside a cluster; null as for cluster-scoped objects.
            scope.add_variable_from_value("namespaceObject", cel::Value::Null);
            scope.add_variable_from_value("variables", empty_map());
            let mut verdict = Verdict::default();
            if let Err(e) = self.judge(&mut scope, &mut verdict) {
                verdict.error = Some(e);
            }
            verdict
        })
    }

    fn judge(&self, scope: &mut Context<'_>, verdict: &mut Verdict) -> Result<(), String> {
        let started = Instant::now();
        let over_time = |started: Instant| -> Result<(), String> {
            if started.elapsed() > self.time_limit {
                Err(format!(
                    "evaluation took longer than {} ms",
                    self.time_limit.as_millis()
                ))
            } else {
                Ok(())
            }
        };
        for condition in &self.conditions {
            match condition.program.execute(scope) {
                Ok(cel::Value::Bool(true)) => {}
                Ok(cel::Value::Bool(false)) => return Ok(()),
                Ok(other) => {
                    return Err(format!(
                        "matchConditions `{}` gave {:?}, not a bool",
                        condition.name,
                        other.type_of()
                    ))
                }
                Err(e) => return Err(format!("matchConditions `{}`: {e}", condition.name)),
            }
            over_time(started)?;
        }
        let mut variables: HashMap<cel::objects::Key, cel::Value> = HashMap::new();
        for variable in &self.variables {
            let value = variable
                .program
                .execute(scope)
                .map_err(|e| format!("variable `{}`: {e}", variable.name))?;
            variables.insert(
                cel::objects::Key::String(Arc::new(variable.name.clone())),
                value,
            );
            scope.add_variable_from_value(
                "variables",
                cel::Value::Map(cel::objects::Map {
                    map: Arc::new(variables.clone()),
                }),
            );
            over_time(started)?;
        }
        for rule in &self.rules {
            match rule.program.execute(scope) {
                Ok(cel::Value::Bool(true)) => {}
                Ok(cel::Value::Bool(false)) => {
                    let message = match &rule.message_program {
                        // As the API server does: a message expression that
                        // fails or is not a string falls back to `message`.
                        Some(program) => match program.execute(scope) {
                            Ok(cel::Value::String(s)) if !s.trim().is_empty() => {
                                Some(s.to_string())
                            }
                            _ => rule.message.clone(),
                        },
                        None => rule.message.clone(),
                    }
                    .or_else(|| Some(format!("failed expression: {}", rule.source)));
                    verdict.push(Violation {
                        message,
                        path: rule.field_path.clone(),
                    });
                }
                Ok(other) => {
                    return Err(format!(
                        "validation `{}` gave {:?}, not a bool",
                        rule.source,
                        other.type_of()
                    ))
                }
                Err(e) => return Err(format!("validation `{}`: {e}", rule.source)),
            }
            over_time(started)?;
        }
        Ok(())
    }
}

fn empty_map() -> cel::Value {
    thread_local! {
        static EMPTY: cel::Value = cel::Value::Map(cel::objects::Map { map: Arc::new(HashMap::new()) });
    }
    EMPTY.with(Clone::clone)
}
