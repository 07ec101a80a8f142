//! An exact model of Kubernetes RBAC over one inventory: who holds which
//! rule through which binding, and the queries built on it.

mod builtin;
mod builtin_rules;
mod graph;
mod matching;
mod model;
pub mod query;
mod resources;

pub use builtin::{is_builtin_namespaced_role, is_builtin_role_name, AGGREGATE_LABELS};
pub use graph::{Grant, RbacGraph, RuleRef, Scope};
pub use matching::Request;
pub use model::{
    is_catch_all_group, is_cluster_scoped, Binding, PolicyRule, Role, RoleRef, Subject,
    SubjectKind, BOOTSTRAP_LABEL,
};
pub use resources::{request_for, ResourceError};
