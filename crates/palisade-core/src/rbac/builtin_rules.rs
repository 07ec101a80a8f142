//! Rules of the built-in `view`, `edit` and `admin` ClusterRoles, as the
//! Kubernetes bootstrap policy renders them (`bootstrappolicy/testdata/
//! cluster-roles.yaml`), with the Dynamic Resource Allocation rules that
//! clusters have by default since v1.34. `edit` = VIEW + EDIT_EXTRA, `admin`
//! = `edit` + ADMIN_EXTRA. No rule here uses resourceNames.
#![allow(clippy::type_complexity)]

pub const VIEW: &[(&[&str], &[&str], &[&str])] = &[
    // system:aggregate-to-view
    (
        &["get", "list", "watch"],
        &[""],
        &[
            "configmaps",
            "endpoints",
            "persistentvolumeclaims",
            "persistentvolumeclaims/status",
            "pods",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "serviceaccounts",
            "services",
            "services/status",
        ],
    ),
    (
        &["get", "list", "watch"],
        &[""],
        &[
            "bindings",
            "events",
            "limitranges",
            "namespaces/status",
            "pods/log",
            "pods/status",
            "replicationcontrollers/status",
            "resourcequotas",
            "resourcequotas/status",
        ],
    ),
    (&["get", "list", "watch"], &[""], &["namespaces"]),
    (
        &["get", "list", "watch"],
        &["discovery.k8s.io"],
        &["endpointslices"],
    ),
    (
        &["get", "list", "watch"],
        &["apps"],
        &[
            "controllerrevisions",
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "statefulsets",
            "statefulsets/scale",
            "statefulsets/status",
        ],
    ),
    (
        &["get", "list", "watch"],
        &["autoscaling"],
        &[
            "horizontalpodautoscalers",
            "horizontalpodautoscalers/status",
        ],
    ),
    (
        &["get", "list", "watch"],
        &["batch"],
        &["cronjobs", "cronjobs/status", "jobs", "jobs/status"],
    ),
    (
        &["get", "list", "watch"],
        &["extensions"],
        &[
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "ingresses",
            "ingresses/status",
            "networkpolicies",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "replicationcontrollers/scale",
        ],
    ),
    (
        &["get", "list", "watch"],
        &["policy"],
        &["poddisruptionbudgets", "poddisruptionbudgets/status"],
    ),
    (
        &["get", "list", "watch"],
        &["networking.k8s.io"],
        &["ingresses", "ingresses/status", "networkpolicies"],
    ),
];

/// Rules of system:aggregate-to-edit only (edit = VIEW + EDIT_EXTRA).
pub const EDIT_EXTRA: &[(&[&str], &[&str], &[&str])] = &[
    // Read on "escalating" resources that view deliberately lacks (secrets, exec/attach/...).
    (
        &["get", "list", "watch"],
        &[""],
        &[
            "pods/attach",
            "pods/exec",
            "pods/portforward",
            "pods/proxy",
            "secrets",
            "services/proxy",
        ],
    ),
    (&["impersonate"], &[""], &["serviceaccounts"]),
    (
        &["create", "delete", "deletecollection", "patch", "update"],
        &[""],
        &[
            "pods",
            "pods/attach",
            "pods/exec",
            "pods/portforward",
            "pods/proxy",
        ],
    ),
    (&["create"], &[""], &["pods/eviction"]),
    (
        &["create", "delete", "deletecollection", "patch", "update"],
        &[""],
        &[
            "configmaps",
            "events",
            "persistentvolumeclaims",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "secrets",
            "serviceaccounts",
            "services",
            "services/proxy",
        ],
    ),
    (&["create"], &[""], &["serviceaccounts/token"]),
    (
        &["create", "delete", "deletecollection", "patch", "update"],
        &["apps"],
        &[
            "daemonsets",
            "deployments",
            "deployments/rollback",
            "deployments/scale",
            "replicasets",
            "replicasets/scale",
            "statefulsets",
            "statefulsets/scale",
        ],
    ),
    (
        &["create", "delete", "deletecollection", "patch", "update"],
        &["autoscaling"],
        &["horizontalpodautoscalers"],
    ),
    (
        &["create", "delete", "deletecollection", "patch", "update"],
        &["batch"],
        &["cronjobs", "jobs"],
    ),
    (
        &["create", "delete", "deletecollection", "patch", "update"],
        &["extensions"],
        &[
            "daemonsets",
            "deployments",
            "deployments/rollback",
            "deployments/scale",
            "ingresses",
            "networkpolicies",
            "replicasets",
            "replicasets/scale",
            "replicationcontrollers/scale",
        ],
    ),
    (
        &["create", "delete", "deletecollection", "patch", "update"],
        &["policy"],
        &["poddisruptionbudgets"],
    ),
    (
        &["create", "delete", "deletecollection", "patch", "update"],
        &["networking.k8s.io"],
        &["ingresses", "networkpolicies"],
    ),
    (
        &[
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ],
        &["coordination.k8s.io"],
        &["leases"],
    ),
];

/// Rules of system:aggregate-to-admin only (admin = VIEW + EDIT_EXTRA + ADMIN_EXTRA).
pub const ADMIN_EXTRA: &[(&[&str], &[&str], &[&str])] = &[
    (
        &["create"],
        &["authorization.k8s.io"],
        &["localsubjectaccessreviews"],
    ),
    (
        &[
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ],
        &["rbac.authorization.k8s.io"],
        &["rolebindings", "roles"],
    ),
];

/// Only when the DynamicResourceAllocation gate is on (default on from 1.34; the code is there from 1.33):
/// appended to system:aggregate-to-view (so it is in view, edit and admin).
pub const VIEW_DRA: &[(&[&str], &[&str], &[&str])] = &[(
    &["get", "list", "watch"],
    &["resource.k8s.io"],
    &[
        "resourceclaims",
        "resourceclaims/status",
        "resourceclaimtemplates",
    ],
)];
/// Only when the DynamicResourceAllocation gate is on: appended to system:aggregate-to-edit (in edit and admin).
pub const EDIT_DRA: &[(&[&str], &[&str], &[&str])] = &[(
    &["create", "delete", "deletecollection", "patch", "update"],
    &["resource.k8s.io"],
    &["resourceclaims", "resourceclaimtemplates"],
)];
