//! Linux capabilities in container security contexts.

use palisade_core::{CheckContext, ContainerView, FieldPath};
use serde_json::Value;

/// A capability name as the runtime understands it: upper case, without
/// the `CAP_` prefix (runtimes accept both spellings).
pub fn normalize(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map(str::to_string)
        .unwrap_or(upper)
}

/// Entries of `capabilities.add` or `capabilities.drop` (`list` is "add" or
/// "drop") with their paths; non-string entries are skipped.
pub fn entries<'a>(container: &ContainerView<'a>, list: &'static str) -> Vec<(FieldPath, &'a str)> {
    let Some(caps) = &container.effective.capabilities else {
        return Vec::new();
    };
    let base = container.path_of(caps).join(list);
    caps.value
        .get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| v.as_str().map(|s| (base.join(i), s)))
        .collect()
}

/// Whether `drop` contains `name` or `ALL` (normalised).
/// Whether `drop` really removes `name` (or ALL). Unlike `add`, a `CAP_`
/// prefix is not stripped here: runtimes prepend `CAP_` to every dropped
/// name, so `drop: [CAP_NET_RAW]` drops nothing.
pub fn drops(container: &ContainerView<'_>, name: &str) -> bool {
    entries(container, "drop").iter().any(|(_, c)| {
        let c = c.trim().to_ascii_uppercase();
        c == "ALL" || c == name
    })
}

/// The family template for "dangerous capability X added": one failure per
/// container whose `add` list names `capability` (normalised).
pub fn fail_if_added(
    containers: &[ContainerView<'_>],
    capability: &str,
    why: &str,
    cx: &mut CheckContext<'_>,
) {
    for container in containers {
        for (path, name) in entries(container, "add") {
            if normalize(name) == capability {
                cx.fail(
                    path,
                    format!(
                        "{} adds capability {name}, which {why}",
                        container.describe()
                    ),
                );
            }
        }
    }
}
