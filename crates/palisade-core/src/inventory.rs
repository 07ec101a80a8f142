//! Everything one scan saw, kept for the checks that need several objects
//! at once (RBAC, network segregation, namespace posture).
//!
//! Objects of the kinds those checks read are kept whole (Secrets with
//! their values redacted on the way in). Workloads are far more numerous,
//! so each is kept as the few facts the inventory checks read, with the
//! Pod Security verdict worked out while the full object was at hand.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::check::CheckMeta;
use crate::netpol::NetworkPolicy;
use crate::path::FieldPath;
use crate::podspec::{PodSpecView, POD_BEARING_KINDS};
use crate::pss::PssLevel;
use crate::rbac::RbacGraph;
use crate::resource::{Resource, ResourceId};
use crate::selector::{labels_of, Labels};
use crate::span::Pos;

/// Kinds kept for the inventory checks, each with the top-level fields
/// they read (besides `apiVersion`, `kind` and `metadata`).
pub const RETAINED_KINDS: [(&str, &[&str]); 11] = [
    ("Namespace", &[]),
    ("NetworkPolicy", &["spec"]),
    ("Role", &["rules"]),
    ("ClusterRole", &["rules", "aggregationRule"]),
    ("RoleBinding", &["roleRef", "subjects"]),
    ("ClusterRoleBinding", &["roleRef", "subjects"]),
    ("ServiceAccount", &["automountServiceAccountToken"]),
    ("Secret", &["type"]),
    ("Service", &["spec"]),
    ("ResourceQuota", &[]),
    ("LimitRange", &[]),
];

/// Annotations the inventory checks read; others (last-applied
/// configurations above all) are dropped on the way in.
const KEPT_ANNOTATIONS: [&str; 1] = ["kubernetes.io/service-account.name"];

/// Whether pods of this kind actually run: every pod-bearing kind but
/// `PodTemplate`, which is only a template.
pub fn is_workload_kind(kind: &str) -> bool {
    kind != "PodTemplate" && POD_BEARING_KINDS.contains(&kind)
}

/// The annotations of an object that can carry palisade exceptions, kept
/// so that findings of inventory checks honour them too.
pub type ExceptionAnnotations = Option<Arc<Map<String, Value>>>;

/// The palisade exception annotations of an object, if it has any.
pub fn exceptions_of(resource: &Resource) -> ExceptionAnnotations {
    let annotations = resource.annotations()?;
    let kept: Map<String, Value> = annotations
        .iter()
        .filter(|(k, _)| k.starts_with("palisade.dev/"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (!kept.is_empty()).then(|| Arc::new(kept))
}

/// A Pod Security control a workload fails, found while it was scanned.
#[derive(Debug, Clone)]
pub struct PssFailure {
    pub check: &'static CheckMeta,
    /// Dotted, and shared between the many workloads failing at the same
    /// field.
    pub path: Arc<str>,
    pub pos: Pos,
    /// Shared, like the path.
    pub message: Arc<str>,
    /// Whether the failure counts against the baseline and the restricted
    /// profile (a baseline control replaced by a restricted one counts at
    /// baseline only).
    pub counts_at: [bool; 2],
}

impl PssFailure {
    pub fn counts_at(&self, level: PssLevel) -> bool {
        match level {
            PssLevel::Baseline => self.counts_at[0],
            PssLevel::Restricted => self.counts_at[1],
        }
    }
}

/// What the inventory checks need to know of one workload.
#[derive(Debug, Clone)]
pub struct Workload {
    pub id: Arc<ResourceId>,
    pub file: Arc<str>,
    pub pos: Pos,
    /// Where `metadata.namespace` is (or the object, without one).
    pub namespace_pos: Pos,
    /// The labels of the pods it runs (the template's, for controllers).
    pub pod_labels: Labels,
    /// Where those labels are (or the pod metadata, or the object).
    pub pod_labels_path: Arc<str>,
    pub pod_labels_pos: Pos,
    pub pod_spec_path: Arc<str>,
    pub pod_spec_pos: Pos,
    pub service_account: String,
    /// The pod spec's `automountServiceAccountToken`, when set (it
    /// overrides the service account's).
    pub automount_token: Option<bool>,
    /// Host access that makes the node worth isolating: `privileged
    /// container "x"`, `hostNetwork`, ...
    pub host_access: Vec<String>,
    /// Whether the pods are steered to particular nodes: a nodeSelector,
    /// required node affinity, or a toleration of a scheduling taint.
    pub placed_on_dedicated_nodes: bool,
    pub pss_failures: Vec<PssFailure>,
    pub exceptions: ExceptionAnnotations,
}

impl Workload {
    /// The facts of a pod-bearing resource; `pss_failures` come from the
    /// Pod Security checks the engine ran on it.
    pub fn from_pod_spec(pod: &PodSpecView<'_>, pss_failures: Vec<PssFailure>) -> Workload {
        let resource = pod.resource;
        let locate = |path: &FieldPath| resource.source.locate(path);
        let labels_value = pod.metadata.and_then(|m| m.get("labels"));
        let pod_labels_path = if labels_value.is_some() {
            pod.metadata_path.join("labels")
        } else {
            pod.metadata_path.clone()
        };
        let service_account = ["serviceAccountName", "serviceAccount"]
            .iter()
            .find_map(|k| pod.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()))
            .unwrap_or("default")
            .to_string();
        let mut host_access = Vec::new();
        for key in ["hostNetwork", "hostPID", "hostIPC"] {
            if pod.get(key).and_then(Value::as_bool) == Some(true) {
                host_access.push(key.to_string());
            }
        }
        for c in pod.containers() {
            if c.effective.privileged.as_ref().is_some_and(|p| p.value) {
                host_access.push(format!("privileged {}", c.describe()));
            }
        }
        let mut pod_labels = labels_of(labels_value);
        // The Job controller labels its pods with the Job's name, and
        // policies select them by it.
        if resource.kind() == "Job" {
            for key in ["job-name", "batch.kubernetes.io/job-name"] {
                pod_labels
                    .entry(key.to_string())
                    .or_insert_with(|| resource.id.name.clone());
            }
        }
        Workload {
            id: Arc::clone(&resource.id),
            file: Arc::clone(&resource.source.file),
            pos: resource.source.pos,
            namespace_pos: locate(&FieldPath::root().join("metadata").join("namespace")),
            pod_labels,
            pod_labels_pos: locate(&pod_labels_path),
            pod_labels_path: shared_path(&pod_labels_path),
            pod_spec_pos: locate(&pod.spec_path),
            pod_spec_path: shared_path(&pod.spec_path),
            service_account,
            automount_token: pod
                .get("automountServiceAccountToken")
                .and_then(Value::as_bool),
            host_access,
            placed_on_dedicated_nodes: placed_on_dedicated_nodes(pod),
            pss_failures,
            exceptions: exceptions_of(resource),
        }
    }

    pub fn namespace(&self) -> Option<&str> {
        self.id.namespace.as_deref()
    }

    /// Whether the workload satisfies the Pod Security profile `level`.
    pub fn satisfies(&self, level: PssLevel) -> bool {
        !self.pss_failures.iter().any(|f| f.counts_at(level))
    }
}

/// The few template paths workloads have, shared rather than allocated
/// once per workload.
fn shared_path(path: &FieldPath) -> Arc<str> {
    use std::sync::{LazyLock, Mutex};
    static PATHS: LazyLock<Mutex<HashMap<String, Arc<str>>>> = LazyLock::new(Default::default);
    let text = path.to_dotted();
    let mut paths = PATHS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(shared) = paths.get(&text) {
        return Arc::clone(shared);
    }
    let shared: Arc<str> = Arc::from(text.as_str());
    // Only template paths come here: a handful of distinct values.
    if paths.len() < 64 {
        paths.insert(text, Arc::clone(&shared));
    }
    shared
}

fn placed_on_dedicated_nodes(pod: &PodSpecView<'_>) -> bool {
    let non_empty = |v: Option<&Value>| v.and_then(Value::as_object).is_some_and(|m| !m.is_empty());
    let required_affinity = pod
        .get("affinity")
        .and_then(|a| a.get("nodeAffinity"))
        .and_then(|n| n.get("requiredDuringSchedulingIgnoredDuringExecution"))
        .and_then(|r| r.get("nodeSelectorTerms"))
        .and_then(Value::as_array)
        .is_some_and(|terms| !terms.is_empty());
    // Tolerating a scheduling taint means the pods are meant for tainted
    // (dedicated) nodes; a toleration for everything (`operator: Exists`
    // with no key) is the opposite of isolation.
    let tolerates_dedicated = pod
        .get("tolerations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|t| {
            let key = t.get("key").and_then(Value::as_str).unwrap_or("");
            let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
            !key.is_empty()
                && !key.starts_with("node.kubernetes.io/")
                && matches!(effect, "NoSchedule" | "NoExecute" | "")
        });
    non_empty(pod.get("nodeSelector")) || required_affinity || tolerates_dedicated
}

/// A problem of the inventory as a whole (duplicates, invalid selectors,
/// aggregation cycles), located at the object at fault.
#[derive(Debug, Clone)]
pub struct InventoryProblem {
    pub file: Arc<str>,
    pub pos: Pos,
    pub message: String,
}

/// A namespace as the inventory sees it: declared by a Namespace object,
/// or only used by the objects in it.
#[derive(Debug, Default)]
pub struct NamespaceEntry {
    /// `None` for objects that name no namespace: they land in whichever
    /// namespace they are applied to, the same one for all of them.
    pub name: Option<String>,
    pub object: Option<usize>,
    pub workloads: Vec<usize>,
    pub network_policies: Vec<usize>,
    pub resource_quotas: usize,
    pub limit_ranges: usize,
}

impl NamespaceEntry {
    /// How messages name the namespace.
    pub fn display(&self) -> String {
        match &self.name {
            Some(name) => format!("namespace {name:?}"),
            None => "the namespace the manifests are applied to (none set)".to_string(),
        }
    }
}

/// The scan's objects as a whole. Fill it with [`Inventory::add_object`] and
/// [`Inventory::add_workload`] (in any order, from any thread, merging
/// partial inventories with [`Inventory::merge`]), then call
/// [`Inventory::finish`] once before the checks read it.
#[derive(Debug, Default)]
pub struct Inventory {
    objects: Vec<Resource>,
    workloads: Vec<Workload>,
    by_kind: HashMap<String, Vec<usize>>,
    namespaces: BTreeMap<Option<String>, NamespaceEntry>,
    network_policies: Vec<NetworkPolicy>,
    rbac: RbacGraph,
    problems: Vec<InventoryProblem>,
}

impl Inventory {
    /// Keeps `resource` if it is of a kind the inventory checks read, with
    /// only the fields they read: a cluster's worth of objects stays small,
    /// and no Secret value is held at all.
    pub fn add_object(&mut self, mut resource: Resource) {
        let Some((_, fields)) = RETAINED_KINDS.iter().find(|(k, _)| *k == resource.kind()) else {
            return;
        };
        prune(&mut resource.value, fields);
        self.objects.push(resource);
    }

    pub fn add_workload(&mut self, workload: Workload) {
        self.workloads.push(workload);
    }

    /// Order does not matter: [`Inventory::finish`] sorts by source.
    pub fn merge(mut self, mut other: Inventory) -> Inventory {
        append_into_larger(&mut self.objects, &mut other.objects);
        append_into_larger(&mut self.workloads, &mut other.workloads);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.workloads.is_empty()
    }

    /// Orders everything by source position (parallel collection arrives
    /// in any order), drops and reports duplicates, and builds the indexes
    /// and the RBAC graph.
    pub fn finish(&mut self) {
        self.objects
            .sort_by(|a, b| (&*a.source.file, a.source.pos).cmp(&(&*b.source.file, b.source.pos)));
        self.workloads
            .sort_by(|a, b| (&*a.file, a.pos).cmp(&(&*b.file, b.pos)));
        self.drop_duplicate_objects();
        self.by_kind.clear();
        for (i, object) in self.objects.iter().enumerate() {
            self.by_kind
                .entry(object.kind().to_string())
                .or_default()
                .push(i);
        }
        let policies: Vec<usize> = self.indexes_of_kind("NetworkPolicy").collect();
        self.network_policies = policies
            .into_iter()
            .map(|i| NetworkPolicy::parse(i, &self.objects[i], &mut self.problems))
            .collect();
        self.build_namespaces();
        self.rbac = RbacGraph::build(&self.objects, &self.by_kind, &mut self.problems);
    }

    /// The API server keeps one object per identity: a later duplicate
    /// replaces the earlier one, as `kubectl apply` of both would. Copies
    /// that differ are reported.
    fn drop_duplicate_objects(&mut self) {
        let mut last: HashMap<Arc<ResourceId>, usize> = HashMap::new();
        for (i, object) in self.objects.iter().enumerate() {
            if let Some(previous) = last.insert(Arc::clone(&object.id), i) {
                let earlier = &self.objects[previous];
                // The same object written twice (an install.yaml and its
                // namespaced variant) is harmless: only differing copies
                // make the inventory ambiguous.
                if earlier.value == object.value {
                    continue;
                }
                self.problems.push(InventoryProblem {
                    file: Arc::clone(&object.source.file),
                    pos: object.source.pos,
                    message: format!(
                        "duplicate object {}: it replaces the one at {}:{}, which inventory checks ignore",
                        object.id, earlier.source.file, earlier.source.pos.line
                    ),
                });
            }
        }
        if last.len() == self.objects.len() {
            return;
        }
        let keep: Vec<bool> = (0..self.objects.len())
            .map(|i| last.get(&self.objects[i].id) == Some(&i))
            .collect();
        let mut index = 0;
        self.objects.retain(|_| {
            index += 1;
            keep[index - 1]
        });
    }

    fn build_namespaces(&mut self) {
        self.namespaces.clear();
        fn entry<'m>(
            namespaces: &'m mut BTreeMap<Option<String>, NamespaceEntry>,
            name: Option<&str>,
        ) -> &'m mut NamespaceEntry {
            let key = name.map(str::to_string);
            namespaces
                .entry(key.clone())
                .or_insert_with(|| NamespaceEntry {
                    name: key,
                    ..NamespaceEntry::default()
                })
        }
        let namespaces = &mut self.namespaces;
        for i in self.by_kind.get("Namespace").into_iter().flatten() {
            let object = &self.objects[*i];
            let name = object.id.name.clone();
            // `<unnamed>` and `generate*` stand for no usable name.
            if object
                .metadata()
                .and_then(|m| m.get("name"))
                .and_then(|n| n.as_str())
                .is_none_or(str::is_empty)
            {
                self.problems.push(InventoryProblem {
                    file: Arc::clone(&object.source.file),
                    pos: object.source.pos,
                    message: format!(
                        "{}: a Namespace needs metadata.name; namespace checks ignore it",
                        object.id
                    ),
                });
                continue;
            }
            entry(namespaces, Some(&name)).object = Some(*i);
        }
        for (i, w) in self.workloads.iter().enumerate() {
            entry(namespaces, w.id.namespace.as_deref())
                .workloads
                .push(i);
        }
        for (i, p) in self.network_policies.iter().enumerate() {
            let ns = self.objects[p.object].id.namespace.clone();
            entry(namespaces, ns.as_deref()).network_policies.push(i);
        }
        for kind in ["ResourceQuota", "LimitRange"] {
            for i in self.by_kind.get(kind).into_iter().flatten() {
                let ns = self.objects[*i].id.namespace.clone();
                let e = entry(namespaces, ns.as_deref());
                if kind == "ResourceQuota" {
                    e.resource_quotas += 1;
                } else {
                    e.limit_ranges += 1;
                }
            }
        }
    }

    fn indexes_of_kind(&self, kind: &str) -> impl Iterator<Item = usize> + '_ {
        self.by_kind.get(kind).into_iter().flatten().copied()
    }

    pub fn objects(&self) -> &[Resource] {
        &self.objects
    }

    pub fn object(&self, index: usize) -> &Resource {
        &self.objects[index]
    }

    /// The kept objects of one kind, in source order.
    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .map(|&i| &self.objects[i])
    }

    pub fn workloads(&self) -> &[Workload] {
        &self.workloads
    }

    pub fn workload(&self, index: usize) -> &Workload {
        &self.workloads[index]
    }

    /// Every namespace that is declared or has workloads or policies in it,
    /// by name (the unnamed one first).
    pub fn namespaces(&self) -> impl Iterator<Item = &NamespaceEntry> {
        self.namespaces.values()
    }

    pub fn namespace(&self, name: Option<&str>) -> Option<&NamespaceEntry> {
        self.namespaces.get(&name.map(str::to_string))
    }

    pub fn network_policies(&self) -> &[NetworkPolicy] {
        &self.network_policies
    }

    pub fn rbac(&self) -> &RbacGraph {
        &self.rbac
    }

    /// Problems found while building the inventory.
    pub fn problems(&self) -> &[InventoryProblem] {
        &self.problems
    }
}

/// Keeps `apiVersion`, `kind`, the metadata the checks read and `fields`.
fn prune(value: &mut Value, fields: &[&str]) {
    // Sorted maps free what they drop, so filtering in place is enough.
    let Some(object) = value.as_object_mut() else {
        return;
    };
    object.retain(|k, _| {
        matches!(k.as_str(), "apiVersion" | "kind" | "metadata") || fields.contains(&k.as_str())
    });
    let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    metadata.retain(|k, _| {
        matches!(
            k.as_str(),
            "name" | "generateName" | "namespace" | "labels" | "annotations" | "creationTimestamp"
        )
    });
    if let Some(annotations) = metadata
        .get_mut("annotations")
        .and_then(Value::as_object_mut)
    {
        annotations.retain(|k, _| {
            k.starts_with("palisade.dev/") || KEPT_ANNOTATIONS.contains(&k.as_str())
        });
    }
}

/// Appends `b` to `a`, moving whichever is smaller: for collections whose
/// order does not matter (they are sorted later), growing the smaller of two
/// large vectors would copy, and briefly double, the larger one.
pub fn append_into_larger<T>(a: &mut Vec<T>, b: &mut Vec<T>) {
    if a.len() < b.len() {
        std::mem::swap(a, b);
    }
    a.append(b);
}
