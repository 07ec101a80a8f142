//! What the allow-all NetworkPolicy checks share: finding the rules that
//! let every peer through, in either direction.

use palisade_core::netpol::{NetworkPolicy, Peer, Rule};
use palisade_core::{Inventory, InventoryContext};

use crate::helpers::namespaces::{considered, fail_namespace};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn isolated(self, policy: &NetworkPolicy) -> bool {
        match self {
            Direction::Ingress => policy.isolates_ingress,
            Direction::Egress => policy.isolates_egress,
        }
    }

    fn rules(self, policy: &NetworkPolicy) -> &[Rule] {
        match self {
            Direction::Ingress => &policy.ingress,
            Direction::Egress => &policy.egress,
        }
    }

    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Direction::Ingress => ("ingress from", "source", "from"),
            Direction::Egress => ("egress to", "destination", "to"),
        }
    }
}

fn on_ports(rule: &Rule) -> String {
    if rule.ports.is_empty() {
        String::new()
    } else {
        format!(" on ports {}", rule.ports.join(", "))
    }
}

/// Reports every rule of a policy isolating `direction` that lets every
/// peer through: no peer list, every pod of every namespace, or any
/// address.
pub fn report_allow_all(
    inventory: &Inventory,
    cx: &mut InventoryContext<'_>,
    direction: Direction,
) {
    let (phrase, peer_noun, field) = direction.words();
    for policy in inventory.network_policies() {
        if !direction.isolated(policy) {
            continue;
        }
        cx.evaluated();
        let object = inventory.object(policy.object);
        for rule in direction.rules(policy) {
            if direction == Direction::Egress && rule.dns_only() {
                continue;
            }
            let ports = on_ports(rule);
            let Some(peers) = &rule.peers else {
                cx.fail(
                    object,
                    rule.path.clone(),
                    format!("allows {phrase} every {peer_noun}{ports} (the rule has no `{field}`)"),
                );
                continue;
            };
            for (path, peer) in peers {
                if peer.is_all_pods_everywhere() {
                    cx.fail(
                        object,
                        path.clone(),
                        format!("allows {phrase} every pod of every namespace{ports}"),
                    );
                } else if peer.is_any_address() {
                    let except = match peer {
                        Peer::IpBlock { except, .. } if !except.is_empty() => {
                            format!(" (except {})", except.join(", "))
                        }
                        _ => String::new(),
                    };
                    cx.fail(
                        object,
                        path.join("ipBlock").join("cidr"),
                        format!("allows {phrase} any address{except}{ports}"),
                    );
                }
            }
        }
    }
}

/// Reports every judged namespace that has NetworkPolicies but none that
/// denies `direction` to all its pods by default.
pub fn report_missing_default_deny(
    inventory: &Inventory,
    cx: &mut InventoryContext<'_>,
    direction: Direction,
) {
    let policies = inventory.network_policies();
    let word = match direction {
        Direction::Ingress => "ingress",
        Direction::Egress => "egress",
    };
    for ns in considered(inventory) {
        if ns.network_policies.is_empty() {
            continue;
        }
        cx.evaluated();
        let denies = ns.network_policies.iter().any(|&p| match direction {
            Direction::Ingress => policies[p].denies_all_ingress_by_default(),
            Direction::Egress => policies[p].denies_all_egress_by_default(),
        });
        if !denies {
            let message = format!(
                "{} has NetworkPolicies but none denies {word} to all its pods by default",
                ns.display()
            );
            fail_namespace(inventory, cx, ns, message);
        }
    }
}
