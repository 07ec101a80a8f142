//! What a policy says about one object.

/// Findings a policy may report on one object; more are counted in one
/// last finding, so a hostile policy cannot flood a report or a response.
pub const MAX_VIOLATIONS: usize = 50;
/// Characters of a message kept.
pub const MAX_MESSAGE: usize = 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violation {
    /// The policy's message; the policy's title when it gives none.
    pub message: Option<String>,
    /// Where it points, as the policy wrote it.
    pub path: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub violations: Vec<Violation>,
    /// Violations beyond [`MAX_VIOLATIONS`].
    pub dropped: usize,
    /// Why the policy could not decide (a runtime error, the time limit).
    pub error: Option<String>,
}

impl Verdict {
    pub fn push(&mut self, mut violation: Violation) {
        if self.violations.len() >= MAX_VIOLATIONS {
            self.dropped += 1;
            return;
        }
        if let Some(message) = &mut violation.message {
            if message.chars().count() > MAX_MESSAGE {
                *message = message.chars().take(MAX_MESSAGE).collect::<String>() + "…";
            }
        }
        self.violations.push(violation);
    }
}
