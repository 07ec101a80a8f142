//! 2.7: etcd should trust a CA of its own, not the cluster's, so that a
//! client certificate issued for Kubernetes does not open etcd.

use super::component_file;
use crate::benchmark::settings::{API_CLIENT_CA_FILE, ETCD_TRUSTED_CA_FILE};
use crate::benchmark::Outcome;
use crate::model::{ComponentKind, Located, Node};

pub fn judge(node: &Node) -> Outcome {
    let etcd_ca = match component_file(node, ComponentKind::Etcd, ETCD_TRUSTED_CA_FILE) {
        Err(reason) => return Outcome::error(reason),
        Ok(None) => {
            return Outcome::fail(
                vec!["--trusted-ca-file not set".into()],
                "etcd does not verify client certificates against a CA".into(),
                "set --trusted-ca-file on etcd to a CA used only for etcd".into(),
            )
        }
        Ok(Some(file)) => file,
    };
    let mut evidence = vec![format!("etcd --trusted-ca-file={}", etcd_ca.path)];
    let Ok(Some(cluster_ca)) = component_file(node, ComponentKind::ApiServer, API_CLIENT_CA_FILE)
    else {
        return Outcome::pass(evidence);
    };
    evidence.push(format!(
        "kube-apiserver --client-ca-file={}",
        cluster_ca.path
    ));
    if same_file(&cluster_ca, &etcd_ca) || same_content(&cluster_ca, &etcd_ca) {
        return Outcome::fail(
            evidence,
            "etcd trusts the same CA as the Kubernetes API".into(),
            "issue etcd's certificates from a CA of its own".into(),
        );
    }
    Outcome::pass(evidence)
}

fn same_file(a: &Located, b: &Located) -> bool {
    matches!((a.fs.resolve(&a.path), b.fs.resolve(&b.path)), (Ok(x), Ok(y)) if x == y)
}

fn same_content(a: &Located, b: &Located) -> bool {
    matches!((a.fs.read_text(&a.path), b.fs.read_text(&b.path)), (Ok(x), Ok(y)) if x == y)
}
