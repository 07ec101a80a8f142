//! Version-dependent Pod Security Standards behaviour that the official
//! fixtures do not exercise: each case runs one check on one pod at two
//! adjacent policy versions and expects the verdict to flip.

mod support;

use std::io::Write;

use palisade_core::{PssVersion, Settings};
use support::{fixture_settings, run_file};

fn findings_at(check_id: &str, version: u16, pod_spec: &str) -> usize {
    let check = palisade_checks::find(check_id).expect("known check");
    let mut file = tempfile_in_target();
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: team-a\nspec:\n{}",
        pod_spec
    );
    file.1.write_all(text.as_bytes()).unwrap();
    let settings = Settings {
        pss_version: PssVersion::v1(version),
        ..fixture_settings()
    };
    run_file(vec![check], settings, &file.0, "pod.yaml").len()
}

/// A scratch file under the target directory (no extra dependency).
fn tempfile_in_target() -> (std::path::PathBuf, std::fs::File) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("palisade-pss-versions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.yaml", N.fetch_add(1, Ordering::SeqCst)));
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}

const RESTRICTED_CONTAINER: &str = "  containers:\n  - name: app\n    image: app:1\n";

#[test]
fn windows_pods_are_exempt_from_v1_25() {
    let spec = format!("  os:\n    name: windows\n  securityContext:\n    runAsNonRoot: true\n{RESTRICTED_CONTAINER}");
    for id in ["PAL-WL-014", "PAL-WL-017", "PAL-WL-018"] {
        assert!(
            findings_at(id, 24, &spec) > 0,
            "{id} applies to Windows pods at v1.24"
        );
        assert_eq!(
            findings_at(id, 25, &spec),
            0,
            "{id} exempts Windows pods at v1.25"
        );
    }
}

#[test]
fn user_namespaces_relax_run_as_and_proc_mount_from_v1_35() {
    let spec = "  hostUsers: false\n  securityContext:\n    runAsUser: 0\n  containers:\n  - name: app\n    image: app:1\n    securityContext:\n      procMount: Unmasked\n";
    for id in ["PAL-WL-009", "PAL-WL-015", "PAL-WL-016"] {
        assert!(findings_at(id, 34, spec) > 0, "{id} applies at v1.34");
        assert_eq!(
            findings_at(id, 35, spec),
            0,
            "{id} is relaxed for hostUsers: false at v1.35"
        );
    }
    // The restricted /proc control keeps the mask even in a user namespace.
    assert!(findings_at("PAL-WL-019", 35, spec) > 0);
}

#[test]
fn sysctl_allow_list_grows_with_versions() {
    for (name, since) in [
        ("net.ipv4.ip_local_reserved_ports", 27),
        ("net.ipv4.tcp_keepalive_time", 29),
        ("net.ipv4.tcp_rmem", 32),
        ("net.ipv4.tcp_notsent_lowat", 37),
    ] {
        let spec = format!("  securityContext:\n    sysctls:\n    - name: {name}\n      value: \"1\"\n{RESTRICTED_CONTAINER}");
        assert!(
            findings_at("PAL-WL-011", since - 1, &spec) > 0,
            "{name} is unsafe before v1.{since}"
        );
        assert_eq!(
            findings_at("PAL-WL-011", since, &spec),
            0,
            "{name} is safe from v1.{since}"
        );
    }
}

#[test]
fn selinux_container_engine_type_is_allowed_from_v1_31() {
    let spec = format!("  securityContext:\n    seLinuxOptions:\n      type: container_engine_t\n{RESTRICTED_CONTAINER}");
    assert!(findings_at("PAL-WL-008", 30, &spec) > 0);
    assert_eq!(findings_at("PAL-WL-008", 31, &spec), 0);
}

#[test]
fn baseline_seccomp_reads_annotations_before_v1_19_and_fields_after() {
    let annotated = "  containers:\n  - name: app\n    image: app:1\n";
    let with_annotation = |value: &str| {
        let check = palisade_checks::find("PAL-WL-010").unwrap();
        let mut file = tempfile_in_target();
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: {value}\nspec:\n{annotated}"
        );
        file.1.write_all(text.as_bytes()).unwrap();
        [18u16, 19].map(|v| {
            let settings = Settings {
                pss_version: PssVersion::v1(v),
                ..fixture_settings()
            };
            run_file(vec![check], settings.clone(), &file.0, "pod.yaml").len()
        })
    };
    assert_eq!(with_annotation("unconfined"), [1, 0]);
    assert_eq!(with_annotation("runtime/default"), [0, 0]);
    let field = format!(
        "  securityContext:\n    seccompProfile:\n      type: Unconfined\n{RESTRICTED_CONTAINER}"
    );
    assert_eq!(findings_at("PAL-WL-010", 18, &field), 0);
    assert_eq!(findings_at("PAL-WL-010", 19, &field), 1);
}

#[test]
fn apparmor_field_form_is_judged() {
    let spec = format!(
        "  securityContext:\n    appArmorProfile:\n      type: Unconfined\n{RESTRICTED_CONTAINER}"
    );
    assert_eq!(findings_at("PAL-WL-007", 37, &spec), 1);
    let spec = format!("  securityContext:\n    appArmorProfile:\n      type: Localhost\n      localhostProfile: k8s\n{RESTRICTED_CONTAINER}");
    assert_eq!(findings_at("PAL-WL-007", 37, &spec), 0);
}

#[test]
fn volume_without_source_is_an_empty_dir() {
    let spec = format!("  volumes:\n  - name: scratch\n{RESTRICTED_CONTAINER}");
    assert_eq!(findings_at("PAL-WL-013", 37, &spec), 0);
}
