//! A policy engine that panics on an object must fail that policy on that
//! object, not the scan or the webhook: the `cel` crate still panics on
//! some runtime types it leaves unimplemented (a comprehension over a
//! string, found by the webhook's fuzz test). The panic's own message may quote the
//! object, a Secret's value among them, so it is neither printed nor kept.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs contained code: its panics stay silent.
    static CONTAINING: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Runs `run`; `None` when it panicked.
pub fn contained<T>(run: impl FnOnce() -> T) -> Option<T> {
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = CONTAINING.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(run));
    CONTAINING.with(|c| c.set(outer));
    result.ok()
}

#[cfg(test)]
mod tests {
    use super::contained;

    #[test]
    fn a_panic_is_caught_and_the_next_run_is_unaffected() {
        assert_eq!(contained(|| -> u8 { panic!("the secret hunter2") }), None);
        assert_eq!(contained(|| 7), Some(7));
    }
}
