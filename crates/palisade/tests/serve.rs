//! `palisade serve admission` as a process: it answers over HTTPS, and a
//! SIGTERM (what the kubelet sends) stops it cleanly.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A self-signed certificate and its key, from openssl, for `name`.
fn self_signed(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let (cert, key) = (
        dir.join(format!("{name}.crt")),
        dir.join(format!("{name}.key")),
    );
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
        ])
        .args([
            "-subj",
            &format!("/CN={name}"),
            "-addext",
            &format!("subjectAltName=DNS:{name}"),
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    (cert, key)
}

/// A running `palisade serve admission` on a free loopback port.
struct Server {
    child: std::process::Child,
    port: u16,
    /// The name the certificate is for, resolved to 127.0.0.1 by curl.
    host: String,
    ca: std::path::PathBuf,
}

/// A test that fails mid-way must not leave its server running (it would
/// also hold the test's output pipe open).
impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Server {
    fn start(host: &str, cert: &Path, key: &Path, ca: &Path, args: &[&str]) -> Server {
        // A free port: bound, then released for the server.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(assert_cmd::cargo::cargo_bin("palisade"))
            .args([
                "serve",
                "admission",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--tls-cert",
            ])
            .arg(cert)
            .arg("--tls-key")
            .arg(key)
            .args(args)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut server = Server {
            child,
            port,
            host: host.to_string(),
            ca: ca.to_path_buf(),
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while server.curl(&[&server.url("/healthz")]) != "ok\n" {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("the server exited: {status}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server never became ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn url(&self, path: &str) -> String {
        format!("https://{}:{}{path}", self.host, self.port)
    }

    /// curl, trusting only the CA and checking the certificate's name.
    fn curl(&self, args: &[&str]) -> String {
        let output = Command::new("curl")
            .args(["-sS", "--max-time", "10", "--resolve"])
            .arg(format!("{}:{}:127.0.0.1", self.host, self.port))
            .arg("--cacert")
            .arg(&self.ca)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// POSTs a review to `path` and returns its response.
    fn review(&self, path: &str, review: &serde_json::Value) -> serde_json::Value {
        let answer = self.curl(&[
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            &review.to_string(),
            &self.url(path),
        ]);
        let answer: serde_json::Value =
            serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{e}: {answer}"));
        answer["response"].clone()
    }

    /// SIGTERM, as the kubelet sends; the server must stop cleanly.
    fn stop(mut self) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success());
    }
}

fn review(
    uid: &str,
    operation: &str,
    namespace: &str,
    object: serde_json::Value,
) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": uid, "operation": operation, "namespace": namespace, "object": object,
                    "userInfo": {"username": "dev@example.com"}}
    })
}

#[test]
fn the_webhook_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(dir.path(), "localhost");
    let server = Server::start(
        "localhost",
        &cert,
        &key,
        &cert,
        &["--namespace-mode", "staging=warn"],
    );
    let pod = serde_json::json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "staging"},
        "spec": {"hostPID": true, "containers": [{"name": "c", "image": "nginx"}]}});
    let answer = server.review("/validate", &review("1", "CREATE", "staging", pod));
    assert_eq!(answer["allowed"], true, "warn mode allows");
    assert!(answer["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().starts_with("PAL-WL-002")));
    server.stop();
}

/// A Deployment that neither the built-in checks nor the example policies
/// object to.
fn clean_deployment(namespace: &str, team: &str) -> serde_json::Value {
    let labels = serde_json::json!({"app.kubernetes.io/name": "web", "team": team});
    serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": namespace, "labels": labels},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
            "template": {"metadata": {"labels": labels}, "spec": {
                "serviceAccountName": "web", "automountServiceAccountToken": false,
                "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [{
                    "name": "web",
                    "image": "registry.example.com/shop/web@sha256:4c1e9b0a7d3f5e2c8b6a9d0f1e3c5b7a9d2f4e6c8b0a1d3f5e7c9b2a4d6f8e0c",
                    "ports": [{"containerPort": 8080, "name": "http"}],
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"},
                                  "limits": {"cpu": "500m", "memory": "256Mi", "ephemeral-storage": "1Gi"}},
                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
                    "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
                    "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                        "runAsNonRoot": true, "runAsUser": 10001, "capabilities": {"drop": ["ALL"]}}
                }]}}}
    })
}

#[test]
fn the_webhook_judges_with_user_policies_configuration_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    support::palisade()
        .args([
            "admission",
            "certs",
            "--service",
            "hook",
            "--namespace",
            "guard",
            "--out-dir",
        ])
        .arg(&certs)
        .assert()
        .success();
    // Private keys are private.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(certs.join("tls.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    support::palisade()
        .args(["admission", "certs", "--out-dir"])
        .arg(&certs)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("exists (--force replaces it)"));

    let config = dir.path().join("palisade.yaml");
    std::fs::write(
        &config,
        format!(
            "policies: [{}]\nexceptions:\n- check: ACME-007\n  resource: {{namespace: legacy}}\n  reason: migrating off the default account, INFRA-42\n- check: PAL-WL-032\n  resource: {{namespace: legacy}}\n  reason: migrating off the default account, INFRA-42\nadmission:\n  namespaces: {{sandbox: audit}}\n  updates: all\n",
            support::repo_root().join("policy-examples").display()
        ),
    )
    .unwrap();
    let server = Server::start(
        "hook.guard.svc",
        &certs.join("tls.crt"),
        &certs.join("tls.key"),
        &certs.join("ca.crt"),
        &["--config", config.to_str().unwrap()],
    );

    let clean = clean_deployment("shop", "payments");
    let answer = server.review("/validate", &review("a", "CREATE", "shop", clean.clone()));
    assert_eq!(answer["allowed"], true, "{answer}");
    assert!(answer.get("warnings").is_none(), "{answer}");

    // A Rego policy (Gatekeeper-style registry allow-list) denies, with
    // the policy's ID, message and remediation.
    let mut hub = clean.clone();
    hub["spec"]["template"]["spec"]["containers"][0]["image"] =
        "nginx@sha256:4c1e9b0a7d3f5e2c8b6a9d0f1e3c5b7a9d2f4e6c8b0a1d3f5e7c9b2a4d6f8e0c".into();
    let answer = server.review("/validate", &review("b", "CREATE", "shop", hub.clone()));
    assert_eq!(answer["allowed"], false);
    let message = answer["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("ACME-002 (high): container web uses nginx@"),
        "{message}"
    );
    assert!(message.contains("[fix: Mirror the image"), "{message}");

    // The namespace's label chose warn: the webhook configuration calls
    // /validate/warn for it.
    let answer = server.review(
        "/validate/warn",
        &review("c", "CREATE", "shop", hub.clone()),
    );
    assert_eq!(answer["allowed"], true);
    assert!(
        answer["warnings"].to_string().contains("ACME-002"),
        "{answer}"
    );

    // The configuration's mode for a namespace beats its label: audit
    // allows and records.
    let mut sandboxed = hub.clone();
    sandboxed["metadata"]["namespace"] = "sandbox".into();
    let answer = server.review(
        "/validate/enforce",
        &review("c2", "CREATE", "sandbox", sandboxed),
    );
    assert_eq!(answer["allowed"], true, "{answer}");
    assert!(
        answer["auditAnnotations"].to_string().contains("ACME-002"),
        "{answer}"
    );

    // A CEL policy reading oldObject: changing the team in an update is
    // denied, keeping it is not.
    let moved = clean_deployment("shop", "search");
    let mut update = review("d", "UPDATE", "shop", moved);
    update["request"]["oldObject"] = clean.clone();
    let answer = server.review("/validate", &update);
    assert_eq!(answer["allowed"], false);
    assert!(answer["status"]["message"]
        .as_str()
        .unwrap()
        .contains("ACME-019 (high): the team label was payments"));
    let mut same = review("e", "UPDATE", "shop", clean.clone());
    same["request"]["oldObject"] = clean.clone();
    assert_eq!(server.review("/validate", &same)["allowed"], true);
    // With `admission.updates: all`, an update is also blamed for what the
    // old object already had.
    let mut unchanged = review("e2", "UPDATE", "shop", hub.clone());
    unchanged["request"]["oldObject"] = hub.clone();
    assert_eq!(server.review("/validate", &unchanged)["allowed"], false);

    // The configuration's exception holds in its namespace only.
    let mut default_account = clean_deployment("legacy", "payments");
    default_account["spec"]["template"]["spec"]["serviceAccountName"] = "default".into();
    let answer = server.review(
        "/validate",
        &review("f", "CREATE", "legacy", default_account.clone()),
    );
    assert_eq!(answer["allowed"], true, "{answer}");
    default_account["metadata"]["namespace"] = "shop".into();
    let answer = server.review("/validate", &review("g", "CREATE", "shop", default_account));
    assert_eq!(answer["allowed"], false);
    assert!(answer["status"]["message"]
        .as_str()
        .unwrap()
        .contains("ACME-007"));

    let metrics = server.curl(&[&server.url("/metrics")]);
    assert!(metrics.contains("check=\"ACME-002\""), "{metrics}");
    server.stop();
}

/// The resources each webhook of printed manifests is sent, by webhook
/// name: `validate.palisade.dev` -> `["configmaps", …]`.
fn webhook_resources(manifests: &str) -> serde_json::Value {
    let json = support::python(
        "import sys, json, yaml\n\
         docs = [d for d in yaml.safe_load_all(sys.stdin) if d]\n\
         config = next(d for d in docs if d['kind'] == 'ValidatingWebhookConfiguration')\n\
         print(json.dumps({w['name']: sorted(r for rule in w['rules'] for r in rule['resources']) for w in config['webhooks']}))\n",
        manifests,
    );
    serde_json::from_str(&json).unwrap()
}

#[test]
fn the_installation_manifests_scan_clean() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(dir.path(), "palisade-ca");
    let image = "registry.example.com/palisade@sha256:1c4f7a2d5e8b0c3f6a9d2e5b8c1f4a7d0e3b6c9f2a5d8e1b4c7f0a3d6e9b2c58";
    let printed = support::palisade()
        .args([
            "admission",
            "manifests",
            "--namespace",
            "guard",
            "--image",
            image,
            "--ca-bundle",
        ])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(printed.status.success());
    let manifests = dir.path().join("webhook.yaml");
    std::fs::write(&manifests, &printed.stdout).unwrap();
    // `palisade scan` of the webhook's own installation finds nothing.
    let (code, report) = support::scan_json(&[manifests.to_str().unwrap()]);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "{}",
        report["findings"]
    );
    assert_eq!(code, 0);
    assert_eq!(report["totals"]["resources"], 10);
    let text = String::from_utf8(printed.stdout).unwrap();
    assert!(
        text.contains("failurePolicy: Fail")
            && text.contains("values: [\"guard\", \"kube-system\"")
    );
    assert!(text.contains("--exempt-namespace=guard"));
    // The webhook is sent the kinds the built-in checks judge.
    let resources = webhook_resources(&text);
    let default = resources["validate.palisade.dev"].to_string();
    for resource in [
        "pods",
        "pods/ephemeralcontainers",
        "deployments",
        "cronjobs",
        "podtemplates",
        "services",
        "ingresses",
        "configmaps",
        "secrets",
    ] {
        assert!(
            default.contains(&format!("\"{resource}\"")),
            "{resource}: {default}"
        );
    }
    assert!(!default.contains("namespaces"), "{default}");
    assert_eq!(
        resources["warn.palisade.dev"],
        resources["validate.palisade.dev"]
    );

    support::palisade()
        .args([
            "admission",
            "manifests",
            "--namespace",
            "Bad_NS",
            "--image",
            image,
            "--ca-bundle",
        ])
        .arg(&cert)
        .assert()
        .code(2);
    support::palisade()
        .args(["admission", "manifests", "--image", image, "--ca-bundle"])
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a PEM certificate"));
}

/// Copies a directory tree (a policy with its fixtures).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn the_installed_configuration_and_policies_reach_the_pod() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    for policy in ["approved-registry", "replica-ceiling", "namespace-owner"] {
        copy_tree(
            &support::repo_root().join("policy-examples").join(policy),
            &site.join("policies").join(policy),
        );
    }
    // A policy on a custom resource, which palisade cannot name a rule for.
    let custom = site.join("policies").join("certificate-duration");
    std::fs::create_dir_all(&custom).unwrap();
    std::fs::write(
        custom.join("policy.yaml"),
        "id: ACME-090\ntitle: Certificates last at most 90 days\nseverity: medium\nkinds: [Certificate]\n\
         description: Short-lived certificates limit what a stolen key is worth.\n\
         remediation: Set spec.duration to 2160h or less.\n\
         cel:\n  validations:\n  - expression: \"!has(object.spec.duration) || object.spec.duration != '8760h'\"\n    message: the certificate lasts a year\n",
    )
    .unwrap();
    std::fs::write(
        site.join("palisade.yaml"),
        "policies: [./policies]\nfail-on: medium\n",
    )
    .unwrap();
    let certs = dir.path().join("certs");
    support::palisade()
        .args([
            "admission",
            "certs",
            "--service",
            "palisade-webhook",
            "--namespace",
            "guard",
            "--out-dir",
        ])
        .arg(&certs)
        .assert()
        .success();
    let image = "registry.example.com/palisade@sha256:1c4f7a2d5e8b0c3f6a9d2e5b8c1f4a7d0e3b6c9f2a5d8e1b4c7f0a3d6e9b2c58";
    let printed = support::palisade()
        .args([
            "admission",
            "manifests",
            "--namespace",
            "guard",
            "--image",
            image,
            "--ca-bundle",
        ])
        .arg(certs.join("ca.crt"))
        .arg("--config")
        .arg(site.join("palisade.yaml"))
        .output()
        .unwrap();
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let text = String::from_utf8(printed.stdout).unwrap();
    // The configuration's Namespace policy puts namespaces in the rules
    // of every mode; the custom resource is left to the user, who is told.
    let resources = webhook_resources(&text);
    for hook in ["validate", "warn", "audit"] {
        let sent = resources[format!("{hook}.palisade.dev")].to_string();
        assert!(sent.contains("\"namespaces\""), "{hook}: {sent}");
    }
    let notes = String::from_utf8_lossy(&printed.stderr);
    assert!(
        notes.contains("ACME-090 judges Certificate, which is not a built-in kind"),
        "{notes}"
    );
    let manifests = dir.path().join("webhook.yaml");
    std::fs::write(&manifests, &text).unwrap();
    let (code, report) = support::scan_json(&[manifests.to_str().unwrap()]);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "{}",
        report["findings"]
    );
    assert_eq!(
        (code, report["totals"]["resources"].clone()),
        (0, 11.into())
    );
    assert!(
        text.contains("--config=/etc/palisade/palisade.yaml"),
        "{text}"
    );

    // What the kubelet would mount: each ConfigMap key at its item's path
    // (fixtures stay behind).
    let pod = dir.path().join("pod");
    let listing = support::python(
        &format!(
            "import sys, os, yaml\n\
             docs = [d for d in yaml.safe_load_all(sys.stdin) if d]\n\
             data = next(d for d in docs if d['kind'] == 'ConfigMap')['data']\n\
             spec = next(d for d in docs if d['kind'] == 'Deployment')['spec']['template']['spec']\n\
             mount = next(m for m in spec['containers'][0]['volumeMounts'] if m['name'] == 'config')['mountPath']\n\
             assert mount == '/etc/palisade', mount\n\
             items = next(v for v in spec['volumes'] if v['name'] == 'config')['configMap']['items']\n\
             for item in items:\n\
             \x20   path = os.path.join({root:?}, item['path'])\n\
             \x20   os.makedirs(os.path.dirname(path), exist_ok=True)\n\
             \x20   open(path, 'w').write(data[item['key']])\n\
             \x20   print(item['path'])\n",
            root = pod.to_str().unwrap()
        ),
        &text,
    );
    let mut shipped: Vec<&str> = listing.lines().collect();
    shipped.sort();
    assert_eq!(
        shipped,
        [
            "palisade.yaml",
            "policies/approved-registry/policy.rego",
            "policies/approved-registry/policy.yaml",
            "policies/certificate-duration/policy.yaml",
            "policies/namespace-owner/policy.rego",
            "policies/namespace-owner/policy.yaml",
            "policies/replica-ceiling/policy.yaml"
        ]
    );

    // The webhook started from the mounted files judges with the policies
    // and the configuration's fail-on.
    let server = Server::start(
        "palisade-webhook.guard.svc",
        &certs.join("tls.crt"),
        &certs.join("tls.key"),
        &certs.join("ca.crt"),
        &["--config", pod.join("palisade.yaml").to_str().unwrap()],
    );
    let mut hub = clean_deployment("shop", "payments");
    hub["spec"]["template"]["spec"]["containers"][0]["image"] = "docker.io/library/nginx@sha256:4c1e9b0a7d3f5e2c8b6a9d0f1e3c5b7a9d2f4e6c8b0a1d3f5e7c9b2a4d6f8e0c".into();
    hub["spec"]["template"]["spec"]["serviceAccountName"] = "default".into();
    let answer = server.review("/validate", &review("a", "CREATE", "shop", hub));
    assert_eq!(answer["allowed"], false);
    let message = answer["status"]["message"].as_str().unwrap();
    // ACME-002 is high and denies; the default account (low) only warns.
    assert!(
        message.contains("ACME-002") && !message.contains("PAL-WL-032"),
        "{message}"
    );
    assert!(
        answer["warnings"].to_string().contains("PAL-WL-032"),
        "{answer}"
    );
    server.stop();

    // A configuration naming files outside its directory cannot be shipped.
    std::fs::write(site.join("palisade.yaml"), "policies: [../elsewhere]\n").unwrap();
    copy_tree(
        &support::repo_root().join("policy-examples/approved-registry"),
        &dir.path().join("elsewhere"),
    );
    support::palisade()
        .args(["admission", "manifests", "--image", image, "--ca-bundle"])
        .arg(certs.join("ca.crt"))
        .arg("--config")
        .arg(site.join("palisade.yaml"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "outside the configuration file's directory",
        ));
}
