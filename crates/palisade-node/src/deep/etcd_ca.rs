//! 2.7: etcd should trust a CA of its own, not the cluster's, so that a
//! client certificate issued for Kubernetes does not open etcd.

use super::setting_path;
use crate::benchmark::settings::{API_CLIENT_CA_FILE, ETCD_TRUSTED_CA_FILE};
use crate::benchmark::Outcome;
use crate::model::{ComponentKind, Node};

pub fn judge(node: &Node) -> Outcome {
    let etcd_ca = match setting_path(node, ComponentKind::Etcd, ETCD_TRUSTED_CA_FILE) {
        Err(reason) => return Outcome::error(reason),
        Ok(None) => {
            return Outcome::fail(
                vec!["--trusted-ca-file not set".into()],
                "etcd does not verify client certificates against a CA".into(),
                "set --trusted-ca-file on etcd to a CA used only for etcd".into(),
            )
        }
        Ok(Some(path)) => path,
    };
    let mut evidence = vec![format!("etcd --trusted-ca-file={etcd_ca}")];
    match setting_path(node, ComponentKind::ApiServer, API_CLIENT_CA_FILE) {
        Ok(Some(cluster_ca)) => {
            evidence.push(format!("kube-apiserver --client-ca-file={cluster_ca}"));
            let same_file = cluster_ca == etcd_ca
                || matches!((node.fs.resolve(&cluster_ca), node.fs.resolve(&etcd_ca)), (Ok(a), Ok(b)) if a == b);
            let same_content = !same_file
                && matches!((node.fs.read_text(&cluster_ca), node.fs.read_text(&etcd_ca)), (Ok(a), Ok(b)) if a == b);
            if same_file || same_content {
                return Outcome::fail(
                    evidence,
                    "etcd trusts the same CA as the Kubernetes API".into(),
                    "issue etcd's certificates from a CA of its own".into(),
                );
            }
            Outcome::pass(evidence)
        }
        _ => Outcome::pass(evidence),
    }
}
