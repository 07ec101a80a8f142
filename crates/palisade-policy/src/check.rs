//! A user policy as a palisade check: the engine runs it like any other,
//! so its findings reach every report, exception and the webhook alike.

use palisade_core::{Check, CheckContext, CheckMeta, FieldPath, Resource};

use crate::cel::CelPolicy;
use crate::contain::contained;
use crate::location::parse_field_path;
use crate::prepared::{forget_prepared, with_prepared};
use crate::rego::RegoPolicy;
use crate::scrub::Scrubber;
use crate::verdict::Verdict;

pub enum Logic {
    Rego(Box<RegoPolicy>),
    Cel(CelPolicy),
}

impl Logic {
    pub fn language(&self) -> &'static str {
        match self {
            Logic::Rego(_) => "Rego",
            Logic::Cel(_) => "CEL",
        }
    }
}

pub struct UserCheck {
    pub(crate) meta: &'static CheckMeta,
    pub(crate) logic: Logic,
}

impl UserCheck {
    pub fn logic(&self) -> &Logic {
        &self.logic
    }

    fn verdict(&self, object: &Resource) -> Verdict {
        let judged = contained(|| {
            with_prepared(object, |inputs| match &self.logic {
                Logic::Rego(policy) => policy.evaluate(inputs),
                Logic::Cel(policy) => policy.evaluate(inputs),
            })
        });
        judged.unwrap_or_else(|| {
            // The engine stopped half-way: start this thread afresh.
            forget_prepared();
            if let Logic::Rego(policy) = &self.logic {
                policy.forget_thread_state();
            }
            Verdict {
                error: Some(format!(
                    "the {} engine failed on this object (an operation it does not support)",
                    self.logic.language()
                )),
                ..Verdict::default()
            }
        })
    }
}

impl Check for UserCheck {
    fn meta(&self) -> &'static CheckMeta {
        self.meta
    }

    fn check_object(&self, object: &Resource, cx: &mut CheckContext<'_>) {
        let verdict = self.verdict(object);
        let scrubber = Scrubber::for_object(object);
        let scrub = |text: String| match &scrubber {
            Some(scrubber) => scrubber.scrub(&text),
            None => text,
        };
        if let Some(error) = verdict.error {
            // Failing closed: an object a policy cannot judge is not
            // declared compliant (and the webhook denies it in enforce
            // mode, as the API server would with failurePolicy Fail).
            cx.fail(
                FieldPath::root(),
                scrub(format!("the policy could not be evaluated: {error}")),
            );
            return;
        }
        for violation in verdict.violations {
            let path = violation
                .path
                .as_deref()
                .and_then(parse_field_path)
                .unwrap_or_default();
            let message = violation
                .message
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| self.meta.title.to_string());
            cx.fail(path, scrub(message));
        }
        if verdict.dropped > 0 {
            cx.fail(
                FieldPath::root(),
                format!("and {} more violations of this policy", verdict.dropped),
            );
        }
    }
}
