//! `palisade admission manifests`: everything to run the webhook in a
//! cluster, hardened so that `palisade scan` of it finds nothing.

use std::io::Write;

use anyhow::{bail, Context, Result};

use crate::cli::{AdmissionCommand, CertsArgs, ManifestsArgs};
use crate::exit;

pub fn run(command: AdmissionCommand) -> Result<u8> {
    match command {
        AdmissionCommand::Manifests(args) => manifests(args),
        AdmissionCommand::Certs(args) => certs(args),
    }
}

/// Writes a file only the owner can read (private keys), or any file,
/// refusing to replace one unless asked.
fn write_file(path: &std::path::Path, contents: &str, private: bool, force: bool) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    options.mode(if private { 0o600 } else { 0o644 });
    let mut file = options.open(path).with_context(|| {
        if path.exists() && !force {
            format!("{} exists (--force replaces it)", path.display())
        } else {
            format!("cannot write {}", path.display())
        }
    })?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A CA and a serving certificate it signs, for the webhook's Service.
fn certs(args: CertsArgs) -> Result<u8> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    if args.days == 0 {
        bail!("--days must be at least 1");
    }
    let host = format!("{}.{}.svc", args.service, args.namespace);
    let mut names = vec![
        host.clone(),
        format!("{host}.cluster.local"),
        format!("{}.{}", args.service, args.namespace),
    ];
    names.extend(args.extra_names.iter().cloned());
    let now = time::OffsetDateTime::now_utc();
    // An hour of slack for clocks that lag behind this one.
    let not_before = now - time::Duration::hours(1);
    let days = i64::from(args.days);

    let ca_key = KeyPair::generate().context("cannot make the CA's key")?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).context("CA parameters")?;
    ca.distinguished_name
        .push(DnType::CommonName, format!("palisade webhook CA ({host})"));
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = not_before;
    ca.not_after = now + time::Duration::days(days * 10);
    let ca_cert = ca.self_signed(&ca_key).context("cannot sign the CA")?;

    let key = KeyPair::generate().context("cannot make the serving key")?;
    let mut serving = CertificateParams::new(names.clone())
        .with_context(|| format!("invalid name among {}", names.join(", ")))?;
    serving
        .distinguished_name
        .push(DnType::CommonName, host.clone());
    serving.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    serving.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    serving.use_authority_key_identifier_extension = true;
    serving.not_before = not_before;
    serving.not_after = now + time::Duration::days(days);
    let issuer = Issuer::new(ca, ca_key);
    let cert = serving
        .signed_by(&key, &issuer)
        .context("cannot sign the serving certificate")?;

    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("cannot create {}", args.out_dir.display()))?;
    let dir = &args.out_dir;
    write_file(&dir.join("ca.crt"), &ca_cert.pem(), false, args.force)?;
    write_file(
        &dir.join("ca.key"),
        &issuer.key().serialize_pem(),
        true,
        args.force,
    )?;
    write_file(&dir.join("tls.crt"), &cert.pem(), false, args.force)?;
    write_file(&dir.join("tls.key"), &key.serialize_pem(), true, args.force)?;
    eprintln!(
        "palisade: wrote ca.crt, ca.key, tls.crt and tls.key to {} for {} (valid {} days).\n\
         Next: kubectl -n {} create secret tls palisade-webhook-tls --cert {}/tls.crt --key {}/tls.key\n\
         and palisade admission manifests --namespace {} --ca-bundle {}/ca.crt --image IMAGE",
        dir.display(),
        names.join(", "),
        args.days,
        args.namespace,
        dir.display(),
        dir.display(),
        args.namespace,
        dir.display()
    );
    Ok(exit::CLEAN)
}

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

/// One entry of the ValidatingWebhookConfiguration.
fn webhook_entry(
    ns: &str,
    ca_bundle: &str,
    name: &str,
    path: &str,
    operator: &str,
    labels: &str,
    failure: &str,
) -> String {
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
  - operations: ["CREATE", "UPDATE"]
    apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods", "pods/ephemeralcontainers", "replicationcontrollers", "podtemplates"]
  - operations: ["CREATE", "UPDATE"]
    apiGroups: ["apps"]
    apiVersions: ["v1"]
    resources: ["deployments", "statefulsets", "daemonsets", "replicasets"]
  - operations: ["CREATE", "UPDATE"]
    apiGroups: ["batch"]
    apiVersions: ["v1"]
    resources: ["jobs", "cronjobs"]
"#
    )
}

fn manifests(args: ManifestsArgs) -> Result<u8> {
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
    let webhooks: String = [
        ("validate", "/validate", "NotIn", "Fail"),
        ("warn", "/validate/warn", "In", "Ignore"),
        ("audit", "/validate/audit", "In", "Ignore"),
    ]
    .iter()
    .map(|(name, path, operator, failure)| {
        let labels = if *operator == "NotIn" {
            r#"["warn", "audit"]"#.to_string()
        } else {
            format!(r#"["{name}"]"#)
        };
        webhook_entry(ns, &ca_bundle, name, path, operator, &labels, failure)
    })
    .collect();
    let image = &args.image;
    let replicas = args.replicas;
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
apiVersion: apps/v1
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
        app.kubernetes.io/name: palisade-webhook
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
        - --exempt-namespace={ns}
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
          readOnly: true
      volumes:
      - name: tls
        secret:
          secretName: palisade-webhook-tls
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
