//! `palisade admission manifests`: everything to run the webhook in a
//! cluster, hardened so that `palisade scan` of it finds nothing.

use std::io::Write;

use anyhow::{bail, Context, Result};

use super::bundle::{Bundle, MOUNT};
use super::rules::Rules;
use crate::catalogue::Catalogue;
use crate::cli::ManifestsArgs;
use crate::commands::serve::Judging;
use crate::exit;

/// Standard base64, for the webhook's `caBundle`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The ConfigMap with the webhook's configuration, ending in a document
/// separator.
fn config_map(ns: &str, bundle: &Bundle) -> String {
    let mut out = format!(
        "# The configuration, with the policies and framework files it names.\n\
         apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: palisade-config\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/name: palisade-webhook\ndata:\n"
    );
    for file in &bundle.files {
        // A JSON string is a YAML scalar, with every character escaped
        // that needs it.
        let text = serde_json::to_string(&file.text).expect("strings serialise");
        out.push_str(&format!("  {}: {text}\n", file.key));
    }
    out.push_str("---\n");
    out
}

/// The pod's volume of the ConfigMap, each key at its path.
fn config_volume(bundle: &Bundle) -> String {
    let mut out = String::from("\n      - name: config\n        configMap:\n          name: palisade-config\n          items:");
    for file in &bundle.files {
        let path = serde_json::to_string(&file.path).expect("strings serialise");
        out.push_str(&format!(
            "\n          - key: {}\n            path: {path}",
            file.key
        ));
    }
    out
}

/// One webhook of the configuration: a mode, the namespaces whose label
/// selects it, and what happens when palisade cannot answer.
struct Hook {
    name: &'static str,
    path: &'static str,
    /// `NotIn` the other modes' labels for the default, `In` its own.
    operator: &'static str,
    failure: &'static str,
    /// Cluster-scoped objects have no namespace label to choose a mode by;
    /// the default webhook alone judges them.
    cluster_scoped: bool,
}

const HOOKS: [Hook; 3] = [
    Hook {
        name: "validate",
        path: "/validate",
        operator: "NotIn",
        failure: "Fail",
        cluster_scoped: true,
    },
    Hook {
        name: "warn",
        path: "/validate/warn",
        operator: "In",
        failure: "Ignore",
        cluster_scoped: false,
    },
    Hook {
        name: "audit",
        path: "/validate/audit",
        operator: "In",
        failure: "Ignore",
        cluster_scoped: false,
    },
];

/// One entry of the ValidatingWebhookConfiguration.
fn webhook_entry(ns: &str, ca_bundle: &str, hook: &Hook, rules: &Rules) -> String {
    let Hook {
        name,
        path,
        operator,
        failure,
        cluster_scoped,
    } = hook;
    let labels = if *operator == "NotIn" {
        r#"["warn", "audit"]"#.to_string()
    } else {
        format!(r#"["{name}"]"#)
    };
    let rules = rules.yaml(*cluster_scoped);
    format!(
        r#"- name: {name}.palisade.dev
  admissionReviewVersions: ["v1"]
  sideEffects: None
  failurePolicy: {failure}
  matchPolicy: Equivalent
  timeoutSeconds: 10
  clientConfig:
    service:
      namespace: {ns}
      name: palisade-webhook
      path: {path}
      port: 443
    caBundle: {ca_bundle}
  namespaceSelector:
    matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values: ["{ns}", "kube-system", "kube-public", "kube-node-lease"]
    - key: palisade.dev/mode
      operator: {operator}
      values: {labels}
  rules:
{rules}"#
    )
}

pub fn manifests(args: ManifestsArgs) -> Result<u8> {
    let ns = &args.namespace;
    if ns.is_empty()
        || !ns
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        bail!("--namespace {ns}: not a valid namespace name");
    }
    let ca = std::fs::read(&args.ca_bundle)
        .with_context(|| format!("cannot read {}", args.ca_bundle.display()))?;
    if !String::from_utf8_lossy(&ca).contains("-----BEGIN CERTIFICATE-----") {
        bail!("{}: not a PEM certificate", args.ca_bundle.display());
    }
    let ca_bundle = base64(&ca);
    // The configuration is checked as the server will check it, so a
    // mistake fails here rather than in the cluster.
    let file = match &args.config {
        Some(path) => {
            Some(crate::config::find(Some(path), false)?.context("no configuration file")?)
        }
        None => None,
    };
    let catalogue = match &file {
        Some(file) => Catalogue::load(&file.policy_dirs(), Default::default())?,
        None => Catalogue::built_in(),
    };
    let judging = Judging::new(file.as_ref(), &catalogue)?;
    let rules = Rules::for_checks(judging.engine.checks());
    if rules.is_empty() {
        eprintln!(
            "palisade: note: no selected check judges objects one at a time; the webhook would be sent nothing"
        );
    }
    for (kind, check) in &rules.unknown {
        eprintln!(
            "palisade: note: {check} judges {kind}, which is not a built-in kind; add its resource to the webhook's rules by hand to gate it"
        );
    }
    let webhooks: String = HOOKS
        .iter()
        .map(|hook| webhook_entry(ns, &ca_bundle, hook, &rules))
        .collect();
    let image = &args.image;
    let replicas = args.replicas;
    let config = match &file {
        Some(file) => Some(super::bundle::bundle(file, &catalogue)?),
        None => None,
    };
    let config_map = config
        .as_ref()
        .map(|bundle| config_map(ns, bundle))
        .unwrap_or_default();
    let (config_annotation, config_arg, config_mount, config_volume) = match &config {
        Some(bundle) => (
            format!(
                "\n      annotations:\n        palisade.dev/config-digest: \"{}\"",
                bundle.digest()
            ),
            format!("\n        - --config={MOUNT}/{}", bundle.config),
            format!(
                "\n        - name: config\n          mountPath: {MOUNT}\n          readOnly: true"
            ),
            config_volume(bundle),
        ),
        None => Default::default(),
    };
    let text = format!(
        r#"# palisade admission webhook, from `palisade admission manifests`.
# The serving certificate goes in the Secret palisade-webhook-tls
# (tls.crt, tls.key) for the name palisade-webhook.{ns}.svc; --ca-bundle
# is the CA that signed it.
apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: {ns}
spec:
  podSelector: {{}}
  policyTypes: ["Ingress", "Egress"]
---
# The API server calls the webhook; its addresses are the cluster's, so the
# port is opened to the webhook pods only, from inside the cluster network.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: webhook-from-api-server
  namespace: {ns}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: palisade-webhook
  policyTypes: ["Ingress"]
  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.0/8
    - ipBlock:
        cidr: 172.16.0.0/12
    - ipBlock:
        cidr: 192.168.0.0/16
    ports:
    - port: 8443
      protocol: TCP
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: palisade
  namespace: {ns}
spec:
  hard:
    requests.cpu: "2"
    requests.memory: 2Gi
    limits.cpu: "4"
    limits.memory: 4Gi
    pods: "10"
---
apiVersion: v1
kind: LimitRange
metadata:
  name: palisade
  namespace: {ns}
spec:
  limits:
  - type: Container
    default: {{cpu: 500m, memory: 256Mi}}
    defaultRequest: {{cpu: 100m, memory: 128Mi}}
    max: {{cpu: "2", memory: 1Gi}}
---
# The webhook needs no Kubernetes API access: no token, no role.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: palisade-webhook
  namespace: {ns}
  labels:
    app.kubernetes.io/name: palisade-webhook
automountServiceAccountToken: false
---
{config_map}apiVersion: apps/v1
kind: Deployment
metadata:
  name: palisade-webhook
  namespace: {ns}
  labels:
    app.kubernetes.io/name: palisade-webhook
spec:
  replicas: {replicas}
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: palisade-webhook
  template:
    metadata:
      labels:
        app.kubernetes.io/name: palisade-webhook{config_annotation}
    spec:
      serviceAccountName: palisade-webhook
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
        appArmorProfile:
          type: RuntimeDefault
      containers:
      - name: webhook
        image: {image}
        imagePullPolicy: Always
        args:
        - serve
        - admission
        - --listen=0.0.0.0:8443
        - --tls-cert=/tls/tls.crt
        - --tls-key=/tls/tls.key
        - --exempt-namespace={ns}{config_arg}
        ports:
        - name: https
          containerPort: 8443
          protocol: TCP
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: ["ALL"]
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
            ephemeral-storage: 16Mi
          limits:
            cpu: "1"
            memory: 256Mi
            ephemeral-storage: 64Mi
        livenessProbe:
          httpGet:
            path: /healthz
            port: https
            scheme: HTTPS
          periodSeconds: 10
        readinessProbe:
          httpGet:
            path: /readyz
            port: https
            scheme: HTTPS
          periodSeconds: 5
        volumeMounts:
        - name: tls
          mountPath: /tls
          readOnly: true{config_mount}
      volumes:
      - name: tls
        secret:
          secretName: palisade-webhook-tls{config_volume}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: palisade-webhook
  namespace: {ns}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: palisade-webhook
---
apiVersion: v1
kind: Service
metadata:
  name: palisade-webhook
  namespace: {ns}
  labels:
    app.kubernetes.io/name: palisade-webhook
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: palisade-webhook
  ports:
  - name: https
    port: 443
    targetPort: https
    protocol: TCP
---
# One webhook per mode, chosen by the namespace label palisade.dev/mode
# (enforce when absent): enforce fails closed (failurePolicy: Fail), warn
# and audit never deny and so fail open. Timeouts are above the server's own
# deadline; palisade's namespace and the control plane's are not judged.
# The rules name the kinds the checks and policies judge.
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: palisade
webhooks:
{webhooks}"#
    );
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(exit::CLEAN)
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
