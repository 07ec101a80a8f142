//! What a collection produced besides the objects: where it came from,
//! which kinds were read where, and what could not be read. Shared by live
//! scans and snapshots, which store it as is.

use serde::{Deserialize, Serialize};

/// The cluster an inventory was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterInfo {
    /// What findings name as their source: `cluster:<context>`.
    pub source: String,
    /// The API server's address.
    pub server: String,
    /// The kubeconfig context used, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The server's `gitVersion` (`v1.30.2`), when `/version` answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A kind that was listed, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedKind {
    /// `apps/v1`, `v1`.
    pub api_version: String,
    pub kind: String,
    /// The plural resource name (`deployments`).
    pub resource: String,
    pub namespaced: bool,
    /// `None`: every namespace (or the kind is cluster-scoped); otherwise
    /// the namespaces it was listed in one by one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<Vec<String>>,
    pub objects: usize,
}

/// Something that could not be read: the scan did not see it, and the
/// checks that depend on it say so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gap {
    pub api_version: String,
    pub kind: String,
    pub resource: String,
    pub namespaced: bool,
    /// `None`: in no namespace at all (or, for cluster-scoped kinds, at
    /// all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub cause: GapCause,
    /// The server's own words, or what went wrong.
    pub reason: String,
}

/// Why something was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GapCause {
    /// The API server answered 403 Forbidden.
    Forbidden,
    /// Anything else: the list failed after its retries.
    Failed,
    /// Not read by choice (`--kinds`): withholds what depends on it, but
    /// does not make the scan partial.
    LeftOut,
}

impl Gap {
    /// `missing permission to list secrets in kube-system`, or
    /// `could not list pods in all namespaces: …`.
    pub fn describe(&self) -> String {
        let resource = match self.api_version.split_once('/') {
            Some((group, _)) => format!("{}.{group}", self.resource),
            None => self.resource.clone(),
        };
        let place = match (&self.namespace, self.namespaced) {
            (_, false) => "(cluster-scoped)".to_string(),
            (Some(ns), true) => format!("in {ns}"),
            (None, true) => "in all namespaces".to_string(),
        };
        match self.cause {
            GapCause::LeftOut => format!("{resource} not read: left out by --kinds"),
            GapCause::Forbidden => format!("missing permission to list {resource} {place}"),
            GapCause::Failed => format!("could not list {resource} {place}: {}", self.reason),
        }
    }
}

/// Everything known about one collection, stored at the end of a snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub cluster: ClusterInfo,
    /// The namespace the collection was limited to (`--namespace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub listed: Vec<ListedKind>,
    pub gaps: Vec<Gap>,
    /// Things worth knowing that made nothing unreadable (an aggregated
    /// API that did not answer discovery, a list continued after its
    /// snapshot expired).
    pub warnings: Vec<String>,
    pub objects: usize,
}
