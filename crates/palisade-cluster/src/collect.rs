//! Reading a cluster: connect, discover, then list every kind in pages,
//! several kinds at a time under one request-rate limit, handing each
//! page to the caller as it arrives.
//!
//! Kinds are listed in phases so that owners arrive before what they own
//! ([`crate::owners`]): first namespaces (whose names let a forbidden
//! cluster-wide list be retried namespace by namespace), then everything
//! but ReplicaSets, Jobs and Pods, then ReplicaSets and Jobs, then Pods.

use std::collections::HashSet;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::connect::{connect, ConnectError, ConnectOptions};
use crate::discovery::{discover, ApiKind};
use crate::fetch::{FetchError, Fetcher, RetryPolicy};
use crate::limiter::Limiter;
use crate::model::{ClusterInfo, Gap, GapCause, ListedKind, Summary};
use crate::sanitize::ingest;

#[derive(Debug, Clone)]
pub struct CollectOptions {
    pub connect: ConnectOptions,
    /// Only this namespace (plus the Namespace itself and the ClusterRoles
    /// its RoleBindings may name).
    pub namespace: Option<String>,
    /// Only these kinds (`--kinds`); empty for every kind.
    pub kinds: Vec<String>,
    /// Objects per page; 0 lists each kind in one response.
    pub page_size: u32,
    /// Requests per second (0: unlimited) and the burst allowed above it.
    pub qps: f64,
    pub burst: u32,
    /// Lists in flight at once.
    pub concurrency: usize,
    /// Also read each node's kubelet configuration (`nodes/proxy`).
    pub kubelet_config: bool,
    pub retry: RetryPolicy,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            connect: ConnectOptions::default(),
            namespace: None,
            kinds: Vec::new(),
            page_size: 500,
            qps: 50.0,
            burst: 100,
            concurrency: 4,
            kubelet_config: true,
            retry: RetryPolicy::default(),
        }
    }
}

/// What collection hands to the caller, in order.
#[derive(Debug)]
pub enum Event {
    /// Discovery is done: this many kinds will be listed, from this
    /// cluster.
    Planned { kinds: usize, cluster: ClusterInfo },
    /// A page of objects, ready to scan: typed, without managed fields,
    /// Secret values redacted.
    Objects(Vec<Value>),
    /// A kind is finished (listed, or given up on).
    KindDone { kind: String, objects: usize },
}

#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("cannot reach the Kubernetes API server at {server}: {error}")]
    Unreachable { server: String, error: FetchError },
    #[error("cannot discover the API of {server}: {error}")]
    Discovery { server: String, error: FetchError },
    #[error("--kinds: {0} not served by this cluster (kinds are named like Deployment, deployments or deployments.apps)")]
    UnknownKinds(String),
    #[error("cannot start the network runtime: {0}")]
    Runtime(String),
}

/// Collects the cluster, handing pages to `sink` on the calling thread
/// while the requests run on a runtime of their own.
pub fn collect(
    options: &CollectOptions,
    sink: &mut dyn FnMut(Event),
) -> Result<Summary, CollectError> {
    let (sender, mut receiver) = mpsc::channel::<Event>(8);
    std::thread::scope(|scope| {
        let worker = scope.spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| CollectError::Runtime(e.to_string()))?;
            runtime.block_on(run(options, sender))
        });
        while let Some(event) = receiver.blocking_recv() {
            sink(event);
        }
        worker.join().unwrap_or_else(|_| {
            Err(CollectError::Runtime(
                "the collector thread panicked".into(),
            ))
        })
    })
}

/// The listing phases, by kind; everything not named is in phase 1.
fn phase(kind: &ApiKind) -> usize {
    match (kind.group.as_str(), kind.kind.as_str()) {
        ("", "Namespace") => 0,
        ("apps", "ReplicaSet") | ("batch", "Job") => 2,
        ("", "Pod") => 3,
        _ => 1,
    }
}

struct Run<'a> {
    options: &'a CollectOptions,
    fetcher: Fetcher,
    sender: mpsc::Sender<Event>,
}

/// The outcome of listing one kind.
struct KindResult {
    listed: Option<ListedKind>,
    gaps: Vec<Gap>,
    warnings: Vec<String>,
    /// Names of the objects, kept for Namespaces and Nodes only.
    names: Vec<String>,
}

async fn run(
    options: &CollectOptions,
    sender: mpsc::Sender<Event>,
) -> Result<Summary, CollectError> {
    let connection = connect(&options.connect).await?;
    let server = connection.server.clone();
    let fetcher = Fetcher::new(
        connection.client,
        Limiter::new(options.qps, options.burst),
        options
            .connect
            .request_timeout
            .unwrap_or(Duration::from_secs(60)),
        options.retry.clone(),
    );
    let mut summary = Summary {
        cluster: ClusterInfo {
            source: format!(
                "cluster:{}",
                connection.context.clone().unwrap_or_else(|| server.clone())
            ),
            server: server.clone(),
            context: connection.context,
            version: None,
        },
        namespace: options.namespace.clone(),
        ..Summary::default()
    };
    match fetcher.get_json("/version").await {
        Ok(version) => {
            summary.cluster.version = version
                .get("gitVersion")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        Err(error @ (FetchError::Transport { .. } | FetchError::Timeout(..))) => {
            return Err(CollectError::Unreachable { server, error });
        }
        Err(error @ FetchError::Unauthorized(_)) => {
            return Err(CollectError::Discovery { server, error });
        }
        Err(error) => summary
            .warnings
            .push(format!("the server's version is unknown: {error}")),
    }
    let discovered = discover(&fetcher)
        .await
        .map_err(|error| CollectError::Discovery {
            server: server.clone(),
            error,
        })?;
    summary.warnings.extend(discovered.warnings);
    let (plan, left_out) = plan(discovered.kinds, options)?;
    summary.gaps.extend(left_out);
    let run = &Run {
        options,
        fetcher,
        sender,
    };
    let _ = run
        .sender
        .send(Event::Planned {
            kinds: plan.len(),
            cluster: summary.cluster.clone(),
        })
        .await;

    // Namespace names, for lists that must go namespace by namespace.
    let mut namespaces: Option<Vec<String>> = options.namespace.clone().map(|ns| vec![ns]);
    let mut node_names = Vec::new();
    for current in 0..4 {
        let kinds: Vec<&ApiKind> = plan.iter().filter(|k| phase(k) == current).collect();
        let known = namespaces.clone();
        let results: Vec<(ApiKind, KindResult)> = stream::iter(kinds)
            .map(|kind| {
                let known = known.as_deref();
                async move { (kind.clone(), run.list_kind(kind, known).await) }
            })
            .buffer_unordered(options.concurrency.max(1))
            .collect()
            .await;
        for (kind, result) in results {
            if kind.is_core("Namespace")
                && namespaces.is_none()
                && result.listed.is_some()
                && result.gaps.is_empty()
            {
                namespaces = Some(result.names.clone());
            }
            if kind.is_core("Node") {
                node_names.clone_from(&result.names);
            }
            summary.objects += result.listed.as_ref().map_or(0, |l| l.objects);
            summary.listed.extend(result.listed);
            summary.gaps.extend(result.gaps);
            summary.warnings.extend(result.warnings);
        }
        if current == 1 && options.kubelet_config && !node_names.is_empty() {
            run.kubelet_configs(&node_names, &mut summary).await;
        }
    }
    summary
        .listed
        .sort_by(|a, b| (&a.api_version, &a.kind).cmp(&(&b.api_version, &b.kind)));
    summary.gaps.sort_by(|a, b| {
        (&a.api_version, &a.kind, &a.namespace).cmp(&(&b.api_version, &b.kind, &b.namespace))
    });
    Ok(summary)
}

/// The kinds to list, given `--kinds` and `--namespace`, and the gaps of
/// the kinds `--kinds` left out: checks that depend on those must not
/// judge without them either.
fn plan(
    kinds: Vec<ApiKind>,
    options: &CollectOptions,
) -> Result<(Vec<ApiKind>, Vec<Gap>), CollectError> {
    let wanted: Vec<&str> = options
        .kinds
        .iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
        .collect();
    let unknown: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|name| !kinds.iter().any(|k| k.matches(name)))
        .collect();
    if !unknown.is_empty() {
        return Err(CollectError::UnknownKinds(unknown.join(", ")));
    }
    let (chosen, left_out): (Vec<ApiKind>, Vec<ApiKind>) = kinds
        .into_iter()
        .partition(|k| wanted.is_empty() || wanted.iter().any(|name| k.matches(name)));
    let left_out = left_out
        .iter()
        .map(|k| gap(k, None, GapCause::LeftOut, "left out by --kinds".into()))
        .collect();
    // Limited to a namespace: its namespaced objects, the Namespace
    // itself, and the ClusterRoles its RoleBindings can name.
    let chosen = chosen
        .into_iter()
        .filter(|k| {
            options.namespace.is_none()
                || k.namespaced
                || k.is_core("Namespace")
                || (k.group == "rbac.authorization.k8s.io" && k.kind == "ClusterRole")
        })
        .collect();
    Ok((chosen, left_out))
}

fn gap(kind: &ApiKind, namespace: Option<&str>, cause: GapCause, reason: String) -> Gap {
    Gap {
        api_version: kind.api_version(),
        kind: kind.kind.clone(),
        resource: kind.resource.clone(),
        namespaced: kind.namespaced,
        namespace: namespace.map(str::to_string),
        cause,
        reason,
    }
}

/// The gap a failed list leaves.
fn list_gap(kind: &ApiKind, namespace: Option<&str>, error: &FetchError) -> Gap {
    let cause = match error {
        FetchError::Forbidden(_) => GapCause::Forbidden,
        _ => GapCause::Failed,
    };
    gap(kind, namespace, cause, error.to_string())
}

impl Run<'_> {
    async fn list_kind(&self, kind: &ApiKind, namespaces: Option<&[String]>) -> KindResult {
        let mut result = KindResult {
            listed: None,
            gaps: Vec::new(),
            warnings: Vec::new(),
            names: Vec::new(),
        };
        let keep_names = kind.is_core("Namespace") || kind.is_core("Node");
        let limited = self.options.namespace.as_deref();
        // A namespace-limited scan reads its Namespace by name.
        let single_namespace = limited.filter(|_| kind.is_core("Namespace"));
        let scope = if kind.namespaced { limited } else { None };
        let mut lister = Lister::new(self, kind, keep_names);
        let first = match single_namespace {
            Some(ns) => lister.list(&kind.list_path(None), Some(ns)).await,
            None => lister.list(&kind.list_path(scope), None).await,
        };
        let mut listed_in = scope.map(|ns| vec![ns.to_string()]);
        let complete = match first {
            Ok(()) => true,
            Err(FetchError::Forbidden(_))
                if kind.namespaced && scope.is_none() && namespaces.is_some() =>
            {
                // Not allowed everywhere: perhaps in some namespaces.
                let mut allowed = Vec::new();
                let mut refused = Vec::new();
                for ns in namespaces.unwrap_or_default() {
                    match lister.list(&kind.list_path(Some(ns)), None).await {
                        Ok(()) => allowed.push(ns.clone()),
                        Err(error) => refused.push(list_gap(kind, Some(ns), &error)),
                    }
                }
                let any = !allowed.is_empty();
                if !any && refused.iter().all(|g| g.cause == GapCause::Forbidden) {
                    // Forbidden in every namespace: one gap says it.
                    result
                        .gaps
                        .push(gap(kind, None, GapCause::Forbidden, String::new()));
                } else {
                    result.gaps.append(&mut refused);
                }
                listed_in = Some(allowed);
                any
            }
            Err(error) => {
                result.gaps.push(list_gap(kind, scope, &error));
                false
            }
        };
        result.warnings.append(&mut lister.warnings);
        let objects = lister.sent;
        result.names = std::mem::take(&mut lister.names);
        // A list that broke off after some pages still delivered those.
        if complete || objects > 0 {
            result.listed = Some(ListedKind {
                api_version: kind.api_version(),
                kind: kind.kind.clone(),
                resource: kind.resource.clone(),
                namespaced: kind.namespaced,
                namespaces: listed_in,
                objects,
            });
        }
        let _ = self
            .sender
            .send(Event::KindDone {
                kind: kind.kind.clone(),
                objects,
            })
            .await;
        result
    }

    /// Reads `/api/v1/nodes/<node>/proxy/configz` for every node, as
    /// `KubeletConfiguration` objects named after their node. A 403 stops
    /// the attempt (it is the same for every node); a kubelet that does not
    /// answer is a warning for its node.
    async fn kubelet_configs(&self, nodes: &[String], summary: &mut Summary) {
        for node in nodes {
            let path = format!("/api/v1/nodes/{node}/proxy/configz");
            match self.fetcher.get_json_attempts(&path, 2).await {
                Ok(body) => {
                    let mut config = body.get("kubeletconfig").cloned().unwrap_or(Value::Null);
                    if let Some(map) = config.as_object_mut() {
                        map.insert("apiVersion".into(), json!("kubelet.config.k8s.io/v1beta1"));
                        map.insert("kind".into(), json!("KubeletConfiguration"));
                        map.insert("metadata".into(), json!({"name": node}));
                        summary.objects += 1;
                        let _ = self.sender.send(Event::Objects(vec![config])).await;
                    } else {
                        summary
                            .warnings
                            .push(format!("kubelet configuration of node {node}: no `kubeletconfig` in the answer"));
                    }
                }
                Err(error @ FetchError::Forbidden(_)) => {
                    let configz = ApiKind {
                        group: String::new(),
                        version: "v1".into(),
                        kind: "KubeletConfiguration".into(),
                        resource: "nodes/proxy".into(),
                        namespaced: false,
                    };
                    summary.gaps.push(list_gap(&configz, None, &error));
                    return;
                }
                Err(error) => summary.warnings.push(format!(
                    "kubelet configuration of node {node} not read: {error}"
                )),
            }
        }
    }
}

/// Lists one kind page by page, possibly several times (namespace by
/// namespace, or again after its snapshot expired), sending each object
/// once.
struct Lister<'a> {
    run: &'a Run<'a>,
    kind: &'a ApiKind,
    api_version: String,
    keep_names: bool,
    sent: usize,
    uids: HashSet<String>,
    names: Vec<String>,
    warnings: Vec<String>,
}

/// Restarts of one list after its snapshot expired without a way to go on.
const MAX_RESTARTS: u32 = 2;

impl<'a> Lister<'a> {
    fn new(run: &'a Run<'a>, kind: &'a ApiKind, keep_names: bool) -> Self {
        Lister {
            run,
            kind,
            api_version: kind.api_version(),
            keep_names,
            sent: 0,
            uids: HashSet::new(),
            names: Vec::new(),
            warnings: Vec::new(),
        }
    }

    async fn list(&mut self, path: &str, name: Option<&str>) -> Result<(), FetchError> {
        let page_size = self.run.options.page_size;
        let mut token: Option<String> = None;
        let mut restarts = 0;
        loop {
            let mut query = Vec::new();
            if page_size > 0 {
                query.push(format!("limit={page_size}"));
            }
            if let Some(t) = &token {
                query.push(format!("continue={}", encode(t)));
            }
            if let Some(n) = name {
                query.push(format!(
                    "fieldSelector={}",
                    encode(&format!("metadata.name={n}"))
                ));
            }
            let url = if query.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", query.join("&"))
            };
            match self.run.fetcher.get_json(&url).await {
                Ok(page) => {
                    token = page
                        .pointer("/metadata/continue")
                        .and_then(Value::as_str)
                        .filter(|t| !t.is_empty())
                        .map(str::to_string);
                    self.send_items(page).await;
                    if token.is_none() {
                        return Ok(());
                    }
                }
                Err(FetchError::Expired {
                    inconsistent_continue: Some(next),
                    ..
                }) => {
                    self.warnings.push(format!(
                        "listing {} took longer than the server keeps a list's snapshot; the rest was read from a newer one",
                        self.kind.resource
                    ));
                    token = Some(next);
                }
                Err(FetchError::Expired { .. }) if restarts < MAX_RESTARTS => {
                    // Start again; objects already sent are recognised by
                    // their uid.
                    restarts += 1;
                    token = None;
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn send_items(&mut self, page: Value) {
        let Value::Object(mut page) = page else {
            return;
        };
        let Some(Value::Array(items)) = page.remove("items") else {
            return;
        };
        let mut objects = Vec::with_capacity(items.len());
        for item in items {
            let uid = item
                .pointer("/metadata/uid")
                .and_then(Value::as_str)
                .map(str::to_string);
            if let Some(uid) = uid {
                if !self.uids.insert(uid) {
                    continue;
                }
            }
            if self.keep_names {
                if let Some(name) = item.pointer("/metadata/name").and_then(Value::as_str) {
                    self.names.push(name.to_string());
                }
            }
            objects.push(ingest(item, &self.api_version, &self.kind.kind));
        }
        self.sent += objects.len();
        if !objects.is_empty() {
            let _ = self.run.sender.send(Event::Objects(objects)).await;
        }
    }
}

/// Percent-encodes a query value (continue tokens are base64 with `=`).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
