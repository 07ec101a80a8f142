//! NetworkPolicy semantics: which pods a policy selects, which directions
//! it isolates, and what its rules allow.

use serde_json::Value;

use crate::inventory::InventoryProblem;
use crate::path::FieldPath;
use crate::resource::Resource;
use crate::selector::{Labels, Selector};

/// One peer of a `from` or `to` list.
#[derive(Debug, Clone)]
pub enum Peer {
    /// Pods picked by namespace and/or pod selector. `namespaces: None`
    /// means the policy's own namespace; `pods: None` means every pod of
    /// the selected namespaces.
    Pods {
        namespaces: Option<Selector>,
        pods: Option<Selector>,
    },
    IpBlock {
        cidr: String,
        except: Vec<String>,
    },
    /// A peer the API server would reject (no field, or an invalid
    /// selector); it allows nothing.
    Invalid,
}

impl Peer {
    /// Whether the peer is every pod of every namespace.
    pub fn is_all_pods_everywhere(&self) -> bool {
        matches!(self, Peer::Pods { namespaces: Some(ns), pods } if ns.is_empty() && pods.as_ref().is_none_or(Selector::is_empty))
    }

    /// Whether the peer is the whole IPv4 or IPv6 address space.
    pub fn is_any_address(&self) -> bool {
        matches!(self, Peer::IpBlock { cidr, .. } if cidr == "0.0.0.0/0" || cidr == "::/0")
    }
}

/// One ingress or egress rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `spec.ingress[i]` or `spec.egress[i]`.
    pub path: FieldPath,
    /// `None` when the rule lists no peers: it then allows every source
    /// (ingress) or destination (egress), inside the cluster and out.
    pub peers: Option<Vec<(FieldPath, Peer)>>,
    /// The ports the rule is limited to, as `53/UDP` (empty: all ports).
    pub ports: Vec<String>,
}

impl Rule {
    pub fn allows_every_peer(&self) -> bool {
        self.peers.is_none()
    }

    /// Whether the rule is limited to DNS (port 53): allowing that to
    /// every destination is how pods reach the cluster's name server, and
    /// a default deny for egress usually keeps it.
    pub fn dns_only(&self) -> bool {
        !self.ports.is_empty() && self.ports.iter().all(|p| p == "53/UDP" || p == "53/TCP")
    }
}

/// A parsed NetworkPolicy.
#[derive(Debug, Clone)]
pub struct NetworkPolicy {
    /// Index of the object in the inventory.
    pub object: usize,
    /// `None` when the selector is invalid: the policy selects nothing.
    pub pod_selector: Option<Selector>,
    pub isolates_ingress: bool,
    pub isolates_egress: bool,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
}

impl NetworkPolicy {
    pub fn parse(
        object: usize,
        resource: &Resource,
        problems: &mut Vec<InventoryProblem>,
    ) -> NetworkPolicy {
        let spec = resource.value.get("spec");
        let get = |key: &str| spec.and_then(|s| s.get(key));
        let mut problem = |path: &FieldPath, message: String| {
            problems.push(InventoryProblem {
                file: resource.source.file.clone(),
                pos: resource.source.locate(path),
                message: format!("{}: {message}", resource.id),
            });
        };
        let spec_path = FieldPath::root().join("spec");
        // A missing podSelector is defaulted to `{}` by the API server.
        let pod_selector = match Selector::parse(get("podSelector")) {
            Ok(selector) => Some(selector.unwrap_or_default()),
            Err(e) => {
                problem(
                    &spec_path.join("podSelector"),
                    format!(
                        "invalid podSelector ({e}); the policy is treated as selecting no pods"
                    ),
                );
                None
            }
        };
        let mut rules = |direction: &'static str, peers_key: &'static str| -> Vec<Rule> {
            let list = get(direction).and_then(Value::as_array);
            list.into_iter()
                .flatten()
                .enumerate()
                .map(|(i, rule)| {
                    let path = spec_path.join(direction).join(i);
                    let peers = rule
                        .get(peers_key)
                        .and_then(Value::as_array)
                        .filter(|p| !p.is_empty())
                        .map(|peers| {
                            peers
                                .iter()
                                .enumerate()
                                .map(|(j, peer)| {
                                    let peer_path = path.join(peers_key).join(j);
                                    let parsed = parse_peer(peer).unwrap_or_else(|e| {
                                        problem(
                                            &peer_path,
                                            format!("invalid peer ({e}); it allows nothing"),
                                        );
                                        Peer::Invalid
                                    });
                                    (peer_path, parsed)
                                })
                                .collect()
                        });
                    let ports = rule
                        .get("ports")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|p| {
                            let port = match p.get("port") {
                                Some(Value::String(name)) => name.clone(),
                                Some(Value::Number(n)) => n.to_string(),
                                _ => "all".to_string(),
                            };
                            let protocol =
                                p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                            match p.get("endPort").and_then(Value::as_u64) {
                                Some(end) => format!("{port}-{end}/{protocol}"),
                                None => format!("{port}/{protocol}"),
                            }
                        })
                        .collect();
                    Rule { path, peers, ports }
                })
                .collect()
        };
        let ingress = rules("ingress", "from");
        let egress = rules("egress", "to");
        // An empty list is defaulted like a missing one.
        let types: Option<Vec<&str>> = get("policyTypes")
            .and_then(Value::as_array)
            .filter(|t| !t.is_empty())
            .map(|t| t.iter().filter_map(Value::as_str).collect());
        // Without policyTypes the API server sets Ingress always, and
        // Egress only when the policy has egress rules.
        let has_egress_rules = get("egress")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty());
        let (isolates_ingress, isolates_egress) = match &types {
            Some(types) => (types.contains(&"Ingress"), types.contains(&"Egress")),
            None => (true, has_egress_rules),
        };
        NetworkPolicy {
            object,
            pod_selector,
            isolates_ingress,
            isolates_egress,
            ingress,
            egress,
        }
    }

    pub fn selects(&self, labels: &Labels) -> bool {
        self.pod_selector
            .as_ref()
            .is_some_and(|s| s.matches(labels))
    }

    /// Whether the policy selects every pod of its namespace.
    pub fn selects_all_pods(&self) -> bool {
        self.pod_selector.as_ref().is_some_and(Selector::is_empty)
    }

    /// Whether this policy is a default deny for ingress: it isolates every
    /// pod and no rule of it lets everything in.
    pub fn denies_all_ingress_by_default(&self) -> bool {
        self.selects_all_pods()
            && self.isolates_ingress
            && !self.ingress.iter().any(Rule::allows_every_peer)
    }

    pub fn denies_all_egress_by_default(&self) -> bool {
        self.selects_all_pods()
            && self.isolates_egress
            && !self
                .egress
                .iter()
                .any(|r| r.allows_every_peer() && !r.dns_only())
    }
}

#[derive(Debug, thiserror::Error)]
enum PeerError {
    #[error("peer sets none of podSelector, namespaceSelector and ipBlock")]
    Empty,
    #[error("ipBlock cannot be combined with a selector")]
    Mixed,
    #[error("ipBlock has no cidr")]
    NoCidr,
    #[error(transparent)]
    Selector(#[from] crate::selector::SelectorError),
}

fn parse_peer(peer: &Value) -> Result<Peer, PeerError> {
    let namespaces = Selector::parse(peer.get("namespaceSelector"))?;
    let pods = Selector::parse(peer.get("podSelector"))?;
    if let Some(block) = peer.get("ipBlock").filter(|v| !v.is_null()) {
        if namespaces.is_some() || pods.is_some() {
            return Err(PeerError::Mixed);
        }
        let cidr = block
            .get("cidr")
            .and_then(Value::as_str)
            .ok_or(PeerError::NoCidr)?
            .to_string();
        let except = block
            .get("except")
            .and_then(Value::as_array)
            .map(|e| {
                e.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        return Ok(Peer::IpBlock { cidr, except });
    }
    if namespaces.is_none() && pods.is_none() {
        return Err(PeerError::Empty);
    }
    Ok(Peer::Pods { namespaces, pods })
}
