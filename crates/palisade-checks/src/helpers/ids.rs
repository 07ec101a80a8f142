//! The "identity below 10000" family: UIDs and GIDs that commonly exist on
//! the node itself.

use std::ops::Range;

use palisade_core::podspec::{EffectiveSecurityContext, Sourced};
use palisade_core::{CheckContext, PodSpecView};

/// Fails every container whose effective setting (chosen by `select`,
/// named `field` in messages) lies in `low`.
pub fn fail_low_ids(
    pod: &PodSpecView<'_>,
    select: for<'e> fn(&'e EffectiveSecurityContext<'_>) -> Option<&'e Sourced<i64>>,
    field: &str,
    low: Range<i64>,
    cx: &mut CheckContext<'_>,
) {
    for c in pod.containers() {
        if let Some(s) = select(&c.effective).filter(|s| low.contains(&s.value)) {
            cx.fail_args(
                c.path_of(s),
                format_args!(
                    "{} runs with {field} {}, below 10000",
                    c.describe(),
                    s.value
                ),
            );
        }
    }
}
