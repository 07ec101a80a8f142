//! Where a distribution keeps things. kubeadm is the reference layout of
//! the CIS benchmark; RKE2 moves static pods, credentials and certificates
//! under `/var/lib/rancher/rke2`. A path given by a component's own flag
//! always wins over these defaults.

/// Default locations on one kind of node.
#[derive(Debug, PartialEq, Eq)]
pub struct Layout {
    pub name: &'static str,
    /// Directories of static pod manifests, searched in order.
    pub manifest_dirs: &'static [&'static str],
    /// Kubeconfig files of cluster administrators.
    pub admin_kubeconfigs: &'static [&'static str],
    pub scheduler_kubeconfig: &'static str,
    pub controller_manager_kubeconfig: &'static str,
    pub pki_dir: &'static str,
    pub etcd_data_dir: &'static str,
    pub cni_dirs: &'static [&'static str],
    pub kubelet_kubeconfig: &'static str,
    pub kubelet_config: &'static str,
    /// Unit files and drop-in directories that start the kubelet.
    pub kubelet_units: &'static [&'static str],
    pub kubelet_dropin_dirs: &'static [&'static str],
    pub proxy_kubeconfig: &'static str,
}

pub const KUBEADM: Layout = Layout {
    name: "kubeadm",
    manifest_dirs: &["/etc/kubernetes/manifests"],
    admin_kubeconfigs: &[
        "/etc/kubernetes/admin.conf",
        "/etc/kubernetes/super-admin.conf",
    ],
    scheduler_kubeconfig: "/etc/kubernetes/scheduler.conf",
    controller_manager_kubeconfig: "/etc/kubernetes/controller-manager.conf",
    pki_dir: "/etc/kubernetes/pki",
    etcd_data_dir: "/var/lib/etcd",
    cni_dirs: &["/etc/cni/net.d"],
    kubelet_kubeconfig: "/etc/kubernetes/kubelet.conf",
    kubelet_config: "/var/lib/kubelet/config.yaml",
    kubelet_units: &[
        "/etc/systemd/system/kubelet.service",
        "/usr/lib/systemd/system/kubelet.service",
        "/lib/systemd/system/kubelet.service",
    ],
    kubelet_dropin_dirs: &[
        "/usr/lib/systemd/system/kubelet.service.d",
        "/lib/systemd/system/kubelet.service.d",
        "/run/systemd/system/kubelet.service.d",
        "/etc/systemd/system/kubelet.service.d",
    ],
    proxy_kubeconfig: "/var/lib/kube-proxy/kubeconfig.conf",
};

pub const RKE2: Layout = Layout {
    name: "rke2",
    manifest_dirs: &["/var/lib/rancher/rke2/agent/pod-manifests"],
    admin_kubeconfigs: &["/etc/rancher/rke2/rke2.yaml"],
    scheduler_kubeconfig: "/var/lib/rancher/rke2/server/cred/scheduler.kubeconfig",
    controller_manager_kubeconfig: "/var/lib/rancher/rke2/server/cred/controller.kubeconfig",
    pki_dir: "/var/lib/rancher/rke2/server/tls",
    etcd_data_dir: "/var/lib/rancher/rke2/server/db/etcd",
    cni_dirs: &[
        "/etc/cni/net.d",
        "/var/lib/rancher/rke2/agent/etc/cni/net.d",
    ],
    kubelet_kubeconfig: "/var/lib/rancher/rke2/agent/kubelet.kubeconfig",
    kubelet_config: "/var/lib/rancher/rke2/agent/etc/kubelet.conf.d/00-rke2-defaults.conf",
    kubelet_units: &[
        "/etc/systemd/system/rke2-server.service",
        "/usr/local/lib/systemd/system/rke2-server.service",
        "/etc/systemd/system/rke2-agent.service",
        "/usr/local/lib/systemd/system/rke2-agent.service",
    ],
    kubelet_dropin_dirs: &[],
    proxy_kubeconfig: "/var/lib/rancher/rke2/agent/kubeproxy.kubeconfig",
};

pub const ALL: [&Layout; 2] = [&KUBEADM, &RKE2];

pub fn by_name(name: &str) -> Option<&'static Layout> {
    ALL.into_iter().find(|l| l.name == name)
}
