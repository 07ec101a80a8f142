//! Templates for "every container declares X" checks: resource requests and
//! limits, and probes.

use palisade_core::{CheckContext, ContainerKind, PodSpecView};
use serde_json::Value;

/// Fails every regular and init container without
/// `resources.<section>.<resource>`. Ephemeral containers cannot declare
/// resources, so they are not judged. A request is also satisfied by the
/// matching limit (the API server copies a limit into a missing request),
/// and either by the pod-level `spec.resources` (pod-level resources
/// bound every container of the pod).
pub fn require_resource(
    pod: &PodSpecView<'_>,
    section: &'static str,
    resource: &'static str,
    cx: &mut CheckContext<'_>,
) {
    let sections: &[&str] = if section == "requests" {
        &["requests", "limits"]
    } else {
        &[section]
    };
    let declares = |resources: Option<&Value>| {
        sections.iter().any(|s| {
            resources
                .and_then(|r| r.get(*s))
                .and_then(|s| s.get(resource))
                .is_some_and(|q| !q.is_null() && q.as_str() != Some(""))
        })
    };
    if declares(pod.get("resources")) {
        return;
    }
    for container in pod.containers() {
        if container.kind == ContainerKind::EphemeralContainer {
            continue;
        }
        if !declares(container.get("resources")) {
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
/// `probe` (e.g. `livenessProbe`). Pods that run to completion (Jobs,
/// CronJobs, and pods with `restartPolicy` Never or OnFailure, such as Helm
/// test hooks) are not judged.
pub fn require_probe(pod: &PodSpecView<'_>, probe: &'static str, cx: &mut CheckContext<'_>) {
    let runs_to_completion = matches!(
        pod.get("restartPolicy").and_then(Value::as_str),
        Some("Never" | "OnFailure")
    );
    if runs_to_completion || BATCH_KINDS.contains(&pod.resource.kind()) {
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
