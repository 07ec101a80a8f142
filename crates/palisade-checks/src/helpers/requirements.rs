//! Templates for "every container declares X" checks: resource requests and
//! limits, and probes.

use palisade_core::{CheckContext, ContainerKind, PodSpecView};
use serde_json::Value;

/// Fails every regular and init container without
/// `resources.<section>.<resource>`. Ephemeral containers cannot declare
/// resources, so they are not judged.
pub fn require_resource(
    pod: &PodSpecView<'_>,
    section: &'static str,
    resource: &'static str,
    cx: &mut CheckContext<'_>,
) {
    for container in pod.containers() {
        if container.kind == ContainerKind::EphemeralContainer {
            continue;
        }
        let declared = container
            .get("resources")
            .and_then(|r| r.get(section))
            .and_then(|s| s.get(resource))
            .is_some_and(|q| !q.is_null() && q.as_str() != Some(""));
        if !declared {
            let path = container
                .path
                .join("resources")
                .join(section)
                .join(resource);
            cx.fail(
                path,
                format!(
                    "{} sets no {resource} {}",
                    container.describe(),
                    singular(section)
                ),
            );
        }
    }
}

fn singular(section: &str) -> &str {
    match section {
        "requests" => "request",
        "limits" => "limit",
        other => other,
    }
}

/// Kinds whose pods run to completion, where health probes make little
/// sense and their absence is not a finding.
const BATCH_KINDS: [&str; 2] = ["Job", "CronJob"];

/// Fails every regular container of a long-running workload without
/// `probe` (e.g. `livenessProbe`).
pub fn require_probe(pod: &PodSpecView<'_>, probe: &'static str, cx: &mut CheckContext<'_>) {
    if BATCH_KINDS.contains(&pod.resource.kind()) {
        return;
    }
    for container in pod.containers() {
        if container.kind != ContainerKind::Container {
            continue;
        }
        if container.get(probe).is_none_or(Value::is_null) {
            cx.fail(
                container.field(probe),
                format!("{} has no {probe}", container.describe()),
            );
        }
    }
}
