//! Judgements of the files that flags point to: the audit policy, the
//! EncryptionConfiguration and kubeconfigs. Some inform the benchmark's
//! manual recommendations as evidence; palisade's own checks below give
//! verdicts of their own, reported apart from the benchmark's totals.

pub mod audit_policy;
pub mod encryption;
pub mod etcd_ca;
pub mod kubeconfig;

use palisade_core::{FieldPath, Resource};

use crate::benchmark::Outcome;
use crate::model::{ComponentKind, Located, Node};
use crate::settings::{effective, Setting};
use crate::yaml::parse_objects;

/// A palisade check of the node beyond the benchmark.
#[derive(Clone, Copy)]
pub struct NodeCheck {
    pub id: &'static str,
    pub title: &'static str,
    /// The component it is about; `None`: any node.
    pub component: Option<ComponentKind>,
    pub judge: fn(&Node) -> Outcome,
}

/// Every node check, in ID order.
pub const CHECKS: &[NodeCheck] = &[
    NodeCheck {
        id: "PAL-CP-001",
        title: "The audit policy records the contents of Secrets, ConfigMaps or TokenReviews",
        component: Some(ComponentKind::ApiServer),
        judge: audit_policy::sensitive_bodies,
    },
    NodeCheck {
        id: "PAL-CP-002",
        title: "The audit policy does not record exec, attach or port-forward into pods",
        component: Some(ComponentKind::ApiServer),
        judge: audit_policy::pod_access,
    },
    NodeCheck {
        id: "PAL-CP-003",
        title: "The audit policy does not record changes to RBAC",
        component: Some(ComponentKind::ApiServer),
        judge: audit_policy::rbac_changes,
    },
    NodeCheck {
        id: "PAL-CP-004",
        title: "The audit policy's first rule drops every event",
        component: Some(ComponentKind::ApiServer),
        judge: audit_policy::catch_all_none_first,
    },
    NodeCheck {
        id: "PAL-CP-005",
        title: "Secrets are stored unencrypted or with a weak provider",
        component: Some(ComponentKind::ApiServer),
        judge: encryption::check,
    },
    NodeCheck {
        id: "PAL-NODE-001",
        title: "A kubeconfig holding credentials is readable by other users",
        component: None,
        judge: kubeconfig::readable_credentials,
    },
    NodeCheck {
        id: "PAL-NODE-002",
        title: "A kubeconfig authenticates with a static token or password",
        component: None,
        judge: kubeconfig::static_credentials,
    },
];

/// One line of evidence for a setting, whatever it is.
pub fn setting_evidence(node: &Node, kind: ComponentKind, setting: Setting) -> Vec<String> {
    let Some(component) = node.component(kind) else {
        return Vec::new();
    };
    match effective(component, setting) {
        Ok(value) => vec![value.to_string()],
        Err(error) => vec![error.to_string()],
    }
}

/// The file a component's setting names, located where the component
/// reads it (inside its container, or through its pod's mounts):
/// `Ok(None)` when the component is absent or the setting unset.
pub fn component_file(
    node: &Node,
    kind: ComponentKind,
    setting: Setting,
) -> Result<Option<Located>, String> {
    let Some(component) = node.component(kind) else {
        return Ok(None);
    };
    let value = effective(component, setting).map_err(|e| e.to_string())?;
    Ok(value
        .value
        .filter(|v| !v.trim().is_empty())
        .map(|path| component.locate(&node.fs, &path)))
}

/// The first object of a YAML file, with positions.
pub fn load_object(file: &Located) -> Result<Resource, String> {
    let text = file.fs.read_text(&file.path).map_err(|e| e.to_string())?;
    let mut objects = parse_objects(&file.path, &text)?;
    Ok(objects.swap_remove(0))
}

/// `file:line path` for evidence.
pub fn at(resource: &Resource, path: &FieldPath) -> String {
    let pos = resource.source.locate(path);
    let dotted = path.to_dotted();
    if dotted.is_empty() {
        format!("{}:{}", resource.source.file, pos.line)
    } else {
        format!("{}:{} {dotted}", resource.source.file, pos.line)
    }
}
