//! Live clusters end to end, against a real kube-apiserver and etcd on
//! loopback (`.ci/kube/start-apiserver.sh`): objects seeded through the API
//! by different users, then scanned live, from a snapshot, page by page,
//! as a user who may not list everything, and as files.
//!
//! The API server binary is built from Debian's `kubernetes` source package
//! by `.ci/kube/build-kube-apiserver.sh` (a few minutes, once; `.ci/run`
//! does it). Without it these tests say so and pass, unless
//! `PALISADE_REQUIRE_KUBE=1` (set by `.ci/run`) makes that a failure.

mod support;

use std::path::PathBuf;
use std::process::Command as Process;

use kube::api::{Api, DynamicObject, ListParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::{verbs, Discovery};
use serde_json::{json, Value};
use support::{palisade, repo_root};

/// A running etcd + kube-apiserver, stopped on drop.
struct Server {
    dir: PathBuf,
    kubeconfig: PathBuf,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Process::new("bash")
            .arg(repo_root().join(".ci/kube/start-apiserver.sh"))
            .arg("stop")
            .arg(&self.dir)
            .status();
    }
}

fn apiserver_binary() -> PathBuf {
    let cache = std::env::var_os("PALISADE_CI_CACHE")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|c| PathBuf::from(c).join("palisade-ci"))
        })
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/palisade-ci")))
        .unwrap_or_default();
    cache.join("kube-apiserver-1.20.2/kube-apiserver")
}

fn start() -> Option<Server> {
    let have_etcd = Process::new("sh")
        .args(["-c", "command -v etcd"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !apiserver_binary().exists() || !have_etcd {
        assert!(
            std::env::var_os("PALISADE_REQUIRE_KUBE").is_none(),
            "PALISADE_REQUIRE_KUBE is set but kube-apiserver ({}) or etcd is missing: run .ci/kube/build-kube-apiserver.sh",
            apiserver_binary().display()
        );
        eprintln!("skipped: no kube-apiserver built (run .ci/kube/build-kube-apiserver.sh)");
        return None;
    }
    // The tests start their servers in parallel, each on free ports picked
    // by the script; two can pick the same port between its check and its
    // use, so a start that lost that race is tried again.
    let mut attempts = 0;
    let (server, output) = loop {
        attempts += 1;
        let dir = tempfile::Builder::new()
            .prefix("palisade-kube.")
            .tempdir()
            .expect("temp dir")
            .keep();
        let output = Process::new("bash")
            .arg(repo_root().join(".ci/kube/start-apiserver.sh"))
            .env("KUBE_TEST_DIR", &dir)
            // No controller-manager runs, so no `default` ServiceAccount
            // is made; Pods are admitted without one.
            .env(
                "KUBE_APISERVER_EXTRA_ARGS",
                "--disable-admission-plugins=ServiceAccount",
            )
            .output()
            .expect("start-apiserver.sh runs");
        let server = Server {
            kubeconfig: dir.join("kubeconfig"),
            dir,
            url: String::new(),
        };
        let lost_port_race = !output.status.success()
            && String::from_utf8_lossy(&output.stderr).contains("address already in use");
        if lost_port_race && attempts < 4 {
            continue;
        }
        break (server, output);
    };
    assert!(
        output.status.success(),
        "the API server did not start: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let env = String::from_utf8_lossy(&output.stdout);
    let url = env
        .lines()
        .find_map(|l| l.strip_prefix("KUBE_URL="))
        .expect("KUBE_URL printed")
        .to_string();
    let mut server = server;
    server.url = url;
    Some(server)
}

async fn client(server: &Server, context: &str) -> kube::Client {
    let kubeconfig = Kubeconfig::read_from(&server.kubeconfig).expect("kubeconfig");
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..KubeConfigOptions::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .expect("config");
    kube::Client::try_from(config).expect("client")
}

/// Creates `objects` as the user of `context`.
async fn create(server: &Server, context: &str, objects: &[Value]) {
    let client = client(server, context).await;
    let discovery = Discovery::new(client.clone())
        .run()
        .await
        .expect("discovery");
    for object in objects {
        try_create(&client, &discovery, object, false)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "{context} cannot create {} {}: {e}",
                    object["kind"], object["metadata"]["name"]
                )
            });
    }
}

/// Creates one object (or only asks, with `dry_run`), as the API server
/// answers it.
async fn try_create(
    client: &kube::Client,
    discovery: &Discovery,
    object: &Value,
    dry_run: bool,
) -> Result<(), kube::Error> {
    let api_version = object["apiVersion"].as_str().unwrap();
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let gvk = kube::api::GroupVersionKind::gvk(group, version, object["kind"].as_str().unwrap());
    let (resource, caps) = discovery
        .resolve_gvk(&gvk)
        .unwrap_or_else(|| panic!("{gvk:?} is not served"));
    let dynamic: DynamicObject = serde_json::from_value(object.clone()).expect("object");
    let api: Api<DynamicObject> = match object["metadata"]["namespace"].as_str() {
        Some(ns) if caps.scope == kube::discovery::Scope::Namespaced => {
            Api::namespaced_with(client.clone(), ns, &resource)
        }
        _ => Api::all_with(client.clone(), &resource),
    };
    let params = PostParams {
        dry_run,
        ..PostParams::default()
    };
    api.create(&params, &dynamic).await.map(|_| ())
}

/// Every object of every listable kind, as `kubectl get -A -o json` would
/// give it (without managed fields): read with kube-rs, independently of
/// palisade's collector.
async fn dump(server: &Server) -> Value {
    let client = client(server, "admin").await;
    let discovery = Discovery::new(client.clone())
        .run()
        .await
        .expect("discovery");
    let mut items = Vec::new();
    for group in discovery.groups() {
        // The retired `extensions` group serves Ingresses a second time;
        // events and metrics are not posture.
        if ["extensions", "events.k8s.io", "metrics.k8s.io"].contains(&group.name()) {
            continue;
        }
        for (resource, caps) in group.recommended_resources() {
            if !caps.supports_operation(verbs::LIST) {
                continue;
            }
            let api: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
            let list = api.list(&ListParams::default()).await.expect("list");
            for item in list.items {
                let mut value = serde_json::to_value(&item).unwrap();
                value["apiVersion"] = json!(resource.api_version);
                value["kind"] = json!(resource.kind);
                if let Some(metadata) = value["metadata"].as_object_mut() {
                    metadata.remove("managedFields");
                }
                items.push(value);
            }
        }
    }
    json!({"apiVersion": "v1", "kind": "List", "items": items})
}

/// The example manifests, as objects, made servable by 1.20 (CronJob was
/// `batch/v1beta1` then).
fn example_objects(dir: &str) -> Vec<Value> {
    let mut objects = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for document in text.split("\n---") {
            let value = yaml_to_json(document);
            if value.get("kind").is_some() {
                objects.push(value);
            }
        }
    }
    for object in &mut objects {
        if object["kind"] == "CronJob" {
            object["apiVersion"] = json!("batch/v1beta1");
        }
    }
    objects
}

/// YAML to JSON with PyYAML, which the suite already needs (its YAML
/// reference), independently of palisade's own reader.
fn yaml_to_json(document: &str) -> Value {
    let output = Process::new("python3")
        .args([
            "-c",
            "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read()) or {}, default=str))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(document.as_bytes())?;
            child.wait_with_output()
        })
        .expect("python3 with PyYAML");
    serde_json::from_slice(&output.stdout).expect("JSON from PyYAML")
}

fn namespace(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
}

fn binding(
    kind: &str,
    name: &str,
    ns: Option<&str>,
    role_kind: &str,
    role: &str,
    subject: Value,
) -> Value {
    let mut metadata = json!({"name": name});
    if let Some(ns) = ns {
        metadata["namespace"] = json!(ns);
    }
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": metadata,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": [subject],
    })
}

/// Seeds the cluster: the admin makes namespaces, cluster-wide and RBAC
/// objects and grants; the deployer (through those grants) makes the
/// workloads; 30 ConfigMaps make pagination visible.
async fn seed(server: &Server) {
    let mut admin = vec![namespace("ci"), namespace("bulk")];
    let mut deployer = Vec::new();
    for object in example_objects("insecure-app")
        .into_iter()
        .chain(example_objects("hardened-app"))
    {
        let kind = object["kind"].as_str().unwrap().to_string();
        let by_admin = [
            "Namespace",
            "Role",
            "RoleBinding",
            "ClusterRoleBinding",
            "ClusterRole",
            "PodSecurityPolicy",
        ]
        .contains(&kind.as_str())
            || object["metadata"]["namespace"] == "kube-system";
        if by_admin {
            admin.push(object);
        } else {
            deployer.push(object);
        }
    }
    // The built-in `admin` role is filled in by the controller-manager's
    // aggregation, which does not run here: the deployers get a role of
    // their own.
    admin.push(json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "deployer"},
        "rules": [{"apiGroups": ["", "apps", "batch", "networking.k8s.io"], "resources": ["*"], "verbs": ["*"]}],
    }));
    for ns in ["default", "shop", "ci", "bulk"] {
        admin.push(binding("RoleBinding", "deployers", Some(ns), "ClusterRole", "deployer",
            json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "palisade:deployers"})));
    }
    // Namespaces first: everything else lives in them.
    admin.sort_by_key(|o| o["kind"] != "Namespace");
    create(server, "admin", &admin).await;
    for i in 0..30 {
        deployer.push(json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("settings-{i:02}"), "namespace": "bulk"},
            "data": {"level": "info"}}));
    }
    create(server, "deployer", &deployer).await;
    // The limited user: workloads, namespaces and RBAC everywhere, Secrets
    // in `shop` only, NetworkPolicies nowhere.
    let reader = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "partial-reader"},
        "rules": [
            {"apiGroups": [""], "resources": ["namespaces", "pods", "services"], "verbs": ["list"]},
            {"apiGroups": ["apps"], "resources": ["deployments", "daemonsets", "statefulsets", "replicasets"], "verbs": ["list"]},
            {"apiGroups": ["batch"], "resources": ["cronjobs", "jobs"], "verbs": ["list"]},
            {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "rolebindings", "clusterroles", "clusterrolebindings"], "verbs": ["list"]},
        ],
    });
    let secrets = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": {"name": "secret-reader", "namespace": "shop"},
        "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}],
    });
    let user = json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "limited"});
    create(
        server,
        "admin",
        &[
            reader,
            secrets,
            binding(
                "ClusterRoleBinding",
                "partial-reader",
                None,
                "ClusterRole",
                "partial-reader",
                user.clone(),
            ),
            binding(
                "RoleBinding",
                "secret-reader",
                Some("shop"),
                "Role",
                "secret-reader",
                user,
            ),
        ],
    )
    .await;
}

/// Fails if any value of the example Secrets appears in `text`.
fn assert_no_secret_value(text: &str, what: &str) {
    for object in example_objects("insecure-app")
        .iter()
        .filter(|o| o["kind"] == "Secret")
    {
        for value in object["data"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            assert!(
                !text.contains(value.as_str().unwrap()),
                "a Secret value reached {what}"
            );
        }
    }
}

/// Runs palisade with `args` and returns the exit code, the JSON report
/// and standard error.
fn run_json(args: &[&str]) -> (i32, Value, String) {
    let output = palisade()
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("palisade runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let doc = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {stderr}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (output.status.code().unwrap_or(-1), doc, stderr)
}

/// Findings without their location, as a sorted multiset of
/// `check kind/namespace/name path: message`.
fn findings_by_object(doc: &Value) -> Vec<String> {
    let mut lines: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let r = &f["resource"];
            format!(
                "{} {}/{}/{} {}: {}",
                f["checkId"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
                r["namespace"].as_str().unwrap_or("-"),
                r["name"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    lines.sort();
    lines
}

fn kubeconfig_args(server: &Server, context: &str) -> Vec<String> {
    vec![
        "scan".into(),
        "--cluster".into(),
        "--kubeconfig".into(),
        server.kubeconfig.display().to_string(),
        "--context".into(),
        context.into(),
        "--fail-on".into(),
        "none".into(),
    ]
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn live_cluster_end_to_end() {
    let Some(server) = start() else { return };
    seed(&server).await;
    let work = tempfile::tempdir().unwrap();

    // 1. The whole cluster, as the admin.
    let args = kubeconfig_args(&server, "admin");
    let (code, live, stderr) = run_json(&strs(&args));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(live["cluster"]["source"], "cluster:admin");
    assert_eq!(live["cluster"]["version"], "v1.20.2");
    assert_eq!(live["notEvaluated"], json!([]));
    let found = findings_by_object(&live);
    for expected in [
        "PAL-WL-003 Deployment/default/shop-backend",
        "PAL-NET-012 Service/default/shop-backend",
        "PAL-RBAC-001 ClusterRoleBinding/-/ci-deployer-admin",
        "PAL-RBAC-014 RoleBinding/ci/everyone-edits-ci",
        "PAL-NET-001 Namespace/-/bulk",
    ] {
        assert!(
            found.iter().any(|f| f.starts_with(expected)),
            "{expected} missing from {found:#?}"
        );
    }
    // Secret values never reach the report, and the file-only check is
    // not run on a cluster.
    let text = live.to_string();
    assert!(!found.iter().any(|f| f.starts_with("PAL-SEC-001")));
    assert_no_secret_value(&text, "the report");

    // 2. A snapshot scans to the identical report.
    let snapshot = work.path().join("cluster.snap");
    let output = palisade()
        .args(["snapshot", "-o"])
        .arg(&snapshot)
        .args(["--kubeconfig"])
        .arg(&server.kubeconfig)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stored = String::from_utf8_lossy(
        &std::process::Command::new("gzip")
            .arg("-dc")
            .arg(&snapshot)
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert_no_secret_value(&stored, "the snapshot");
    let (code, replayed, stderr) = run_json(&[
        "scan",
        "--snapshot",
        snapshot.to_str().unwrap(),
        "--fail-on",
        "none",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(replayed["findings"], live["findings"]);
    assert_eq!(replayed["totals"], live["totals"]);
    assert_eq!(replayed["notEvaluated"], live["notEvaluated"]);

    // 3. Two objects per page: the same findings, every object read.
    let mut paged = kubeconfig_args(&server, "admin");
    paged.extend(["--page-size".into(), "2".into()]);
    let (_, paged, stderr) = run_json(&strs(&paged));
    assert_eq!(paged["findings"], live["findings"], "{stderr}");
    assert_eq!(paged["totals"]["resources"], live["totals"]["resources"]);
    let (_, bulk, _) = run_json(&strs(&{
        let mut a = kubeconfig_args(&server, "admin");
        a.extend(
            [
                "--page-size",
                "7",
                "--namespace",
                "bulk",
                "--kinds",
                "configmaps,namespaces",
            ]
            .map(String::from),
        );
        a
    }));
    assert_eq!(
        bulk["totals"]["resources"], 31,
        "30 ConfigMaps in pages of 7, and the Namespace"
    );

    // 4. The same objects as a file (`kubectl get -A -o json`): the same
    // findings but for their location (and the file-only check).
    let list = work.path().join("cluster.json");
    std::fs::write(&list, dump(&server).await.to_string()).unwrap();
    let (_, as_files, stderr) = run_json(&[
        "scan",
        list.to_str().unwrap(),
        "--ignore",
        "PAL-SEC-001",
        "--fail-on",
        "none",
    ]);
    // RBAC chains name the file and line of each role in files only.
    let located = format!(" ({}:1)", list.display());
    let as_files: Vec<String> = findings_by_object(&as_files)
        .iter()
        .map(|f| f.replace(&located, ""))
        .collect();
    let only_files: Vec<&String> = as_files.iter().filter(|f| !found.contains(f)).collect();
    let only_live: Vec<&String> = found.iter().filter(|f| !as_files.contains(f)).collect();
    assert!(
        only_files.is_empty() && only_live.is_empty() && as_files.len() == found.len(),
        "files only: {only_files:#?}\nlive only: {only_live:#?}\n{stderr}"
    );

    // 5. A user who may not list everything: real 403s become gaps, the
    // checks that needed the data are withheld, the exit code says so.
    let (code, partial, stderr) = run_json(&strs(&kubeconfig_args(&server, "limited")));
    assert_eq!(code, 3, "a partial scan exits with 3: {stderr}");
    let gaps: Vec<&str> = partial["notEvaluated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["message"].as_str().unwrap())
        .collect();
    for expected in [
        "missing permission to list networkpolicies.networking.k8s.io in all namespaces",
        "missing permission to list secrets in default",
        "missing permission to list secrets in kube-system",
        "missing permission to list configmaps in all namespaces",
        "missing permission to list nodes (cluster-scoped)",
    ] {
        assert!(
            gaps.contains(&expected),
            "{expected} missing from {gaps:#?}"
        );
    }
    assert!(
        !gaps.iter().any(|g| g.contains("secrets in shop")),
        "{gaps:#?}"
    );
    let netpol = partial["notEvaluated"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "NetworkPolicy")
        .unwrap();
    assert!(netpol["checks"]
        .as_array()
        .unwrap()
        .contains(&json!("PAL-NET-001")));
    let partial_found = findings_by_object(&partial);
    assert!(
        !partial_found.iter().any(|f| f.starts_with("PAL-NET-001")),
        "withheld without NetworkPolicies"
    );
    // What could be read is judged as before.
    for expected in [
        "PAL-WL-003 Deployment/default/shop-backend",
        "PAL-RBAC-001 ClusterRoleBinding/-/ci-deployer-admin",
    ] {
        assert!(
            partial_found.iter().any(|f| f.starts_with(expected)),
            "{expected} missing"
        );
    }
    let (_, table, _) = {
        let output = palisade()
            .args(strs(&kubeconfig_args(&server, "limited")))
            .output()
            .unwrap();
        (0, String::from_utf8_lossy(&output.stdout).into_owned(), ())
    };
    assert!(
        table.contains("not evaluated: missing permission to list secrets in default"),
        "{table}"
    );
    assert!(table.contains("INCOMPLETE"), "{table}");
}

/// Bad credentials, an unreachable server and an untrusted certificate:
/// a clear message and exit code 2.
#[test]
fn connection_failures_are_explained() {
    let Some(server) = start() else { return };
    let text = std::fs::read_to_string(&server.kubeconfig).unwrap();
    let work = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| -> PathBuf {
        let path = work.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let token = text
        .lines()
        .find(|l| l.trim_start().starts_with("token:"))
        .unwrap()
        .trim()
        .trim_start_matches("token:")
        .trim()
        .to_string();
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            write("expired", &text.replace(&token, "0000expired0000")),
            "rejected the credentials (401",
        ),
        (
            write(
                "unreachable",
                &text.replace(&server.url, "https://127.0.0.1:1"),
            ),
            "cannot reach the Kubernetes API server at https://127.0.0.1:1",
        ),
        (
            write(
                "untrusted",
                &text.replace(
                    &format!(
                        "certificate-authority: {}",
                        server.dir.join("ca.crt").display()
                    ),
                    "insecure-skip-tls-verify: false",
                ),
            ),
            "certificate",
        ),
    ];
    // An exec credential plugin (as `aws eks get-token` is) that hands out
    // the admin's token: the scan works through it.
    let credential = write(
        "credential.json",
        &format!(
            r#"{{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{{"token":"{token}"}}}}"#
        ),
    );
    let exec = text.replace(
        &format!("token: {token}"),
        &format!(
            "exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: cat\n      args: [\"{}\"]\n      interactiveMode: Never",
            credential.display()
        ),
    );
    let output = palisade()
        .args([
            "scan",
            "--cluster",
            "--fail-on",
            "none",
            "--kinds",
            "namespaces",
            "--kubeconfig",
        ])
        .arg(write("exec", &exec))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Namespace/kube-system"), "{stdout}");
    for (kubeconfig, expected) in cases {
        let output = palisade()
            .args(["scan", "--cluster", "--kubeconfig"])
            .arg(&kubeconfig)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{expected:?} not in {stderr}");
    }
}

/// A running `palisade serve admission`, killed on drop.
struct Webhook(std::process::Child);

impl Drop for Webhook {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn pod(namespace: &str, name: &str, privileged: bool) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"containers": [{"name": "app", "image": "registry.example.com/shop/web:1.4.2",
                                  "securityContext": {"privileged": privileged}}]}
    })
}

/// The real API server asks palisade: the webhook configuration printed by
/// `palisade admission manifests` (its Service reference swapped for the
/// local URL, since no cluster network runs here) is installed, and
/// palisade's verdicts become the API server's.
#[tokio::test(flavor = "current_thread")]
async fn the_webhook_gates_a_real_api_server() {
    let Some(server) = start() else { return };
    let work = tempfile::tempdir().unwrap();
    let certs = work.path().join("certs");
    let made = palisade()
        .args(["admission", "certs", "--san", "127.0.0.1", "--out-dir"])
        .arg(&certs)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _webhook = Webhook(
        Process::new(assert_cmd::cargo::cargo_bin("palisade"))
            .args(["serve", "admission", "--fail-on", "high", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("--tls-cert")
            .arg(certs.join("tls.crt"))
            .arg("--tls-key")
            .arg(certs.join("tls.key"))
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );

    let printed = palisade()
        .args(["admission", "manifests", "--namespace", "palisade", "--image"])
        .arg("registry.example.com/palisade@sha256:1c4f7a2d5e8b0c3f6a9d2e5b8c1f4a7d0e3b6c9f2a5d8e1b4c7f0a3d6e9b2c58")
        .arg("--ca-bundle")
        .arg(certs.join("ca.crt"))
        .output()
        .unwrap();
    assert!(printed.status.success());
    let text = String::from_utf8(printed.stdout).unwrap();
    let mut configuration = text
        .split("\n---\n")
        .map(yaml_to_json)
        .find(|d| d["kind"] == "ValidatingWebhookConfiguration")
        .expect("a webhook configuration");
    for hook in configuration["webhooks"].as_array_mut().unwrap() {
        let path = hook["clientConfig"]["service"]["path"]
            .as_str()
            .unwrap()
            .to_string();
        let client = hook["clientConfig"].as_object_mut().unwrap();
        client.remove("service");
        client.insert(
            "url".into(),
            format!("https://127.0.0.1:{port}{path}").into(),
        );
    }

    let client = client(&server, "admin").await;
    let discovery = Discovery::new(client.clone())
        .run()
        .await
        .expect("discovery");
    let mut warned = namespace("staging");
    warned["metadata"]["labels"] = json!({"palisade.dev/mode": "warn"});
    for object in [namespace("shop"), warned, configuration] {
        try_create(&client, &discovery, &object, false)
            .await
            .unwrap();
    }

    // The API server reads webhook configurations asynchronously: ask (in
    // dry runs) until palisade's verdict arrives.
    let privileged = pod("shop", "debug", true);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let denial = loop {
        match try_create(&client, &discovery, &privileged, true).await {
            Err(kube::Error::Api(status)) if status.message.contains("palisade denied") => {
                break status
            }
            outcome => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the API server never asked palisade: {outcome:?}"
                );
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
        }
    };
    assert_eq!(denial.code, 403, "{denial:?}");
    assert!(
        denial
            .message
            .contains("PAL-WL-003 (critical): container \"app\" runs privileged"),
        "{}",
        denial.message
    );
    // Really created: denied the same; a pod without high findings is
    // admitted; a namespace labelled warn lets the privileged pod in.
    let denied = try_create(&client, &discovery, &privileged, false).await;
    assert!(
        matches!(denied, Err(kube::Error::Api(ref s)) if s.code == 403),
        "{denied:?}"
    );
    try_create(&client, &discovery, &pod("shop", "web", false), false)
        .await
        .expect("a pod without high findings is admitted");
    try_create(&client, &discovery, &pod("staging", "debug", true), false)
        .await
        .expect("warn mode admits");
    // Objects other than workloads are gated too: a Service with an
    // external IP (high) is denied.
    let exposed = json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "exposed", "namespace": "shop"},
        "spec": {"ports": [{"port": 80}], "externalIPs": ["203.0.113.7"]}
    });
    let answer = try_create(&client, &discovery, &exposed, false).await;
    assert!(
        matches!(answer, Err(kube::Error::Api(ref s)) if s.message.contains("PAL-")),
        "{answer:?}"
    );
}
