//! The palisade check catalogue. Each check is one file under its area's
//! folder (`src/workloads/privileged_container.rs`), declared with
//! [`palisade_core::declare_check!`]; fixtures that must fail and pass it
//! live in `fixtures/<area>/<slug>/{fail,pass}/`.
#![forbid(unsafe_code)]

pub mod helpers;
pub mod rbac;
pub mod secrets;
pub mod segregation;
pub mod workloads;

use std::sync::LazyLock;

use palisade_core::Check;

static CATALOGUE: LazyLock<Vec<&'static dyn Check>> = LazyLock::new(|| {
    [
        segregation::CHECKS,
        rbac::CHECKS,
        secrets::CHECKS,
        workloads::CHECKS,
    ]
    .concat()
});

/// Every check, in ID order.
pub fn catalogue() -> &'static [&'static dyn Check] {
    &CATALOGUE
}

/// The check with this ID or slug.
pub fn find(id_or_slug: &str) -> Option<&'static dyn Check> {
    catalogue()
        .iter()
        .copied()
        .find(|c| c.meta().id.eq_ignore_ascii_case(id_or_slug) || c.meta().slug == id_or_slug)
}

/// The fixture folder of a check's area.
pub fn area_folder(area: &str) -> &'static str {
    match area {
        "WL" => "workloads",
        "NET" => "segregation",
        "RBAC" => "rbac",
        "SEC" => "secrets",
        "CP" => "control-plane",
        "NODE" => "node",
        "AUD" => "audit",
        "IMG" => "images",
        _ => "other",
    }
}
