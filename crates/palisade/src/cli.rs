//! Command-line arguments as typed; `commands::*` resolves them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use palisade_core::Severity;

#[derive(Debug, Parser)]
#[command(name = "palisade", version, about = "Kubernetes security posture scanner", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan manifests (files, directories, Kustomize directories, `-` for
    /// stdin), a live cluster (`--cluster`) or a snapshot (`--snapshot`).
    Scan(Box<ScanArgs>),
    /// Save what a cluster scan would read into a compressed snapshot file,
    /// for `palisade scan --snapshot FILE` later or elsewhere.
    Snapshot(SnapshotArgs),
    /// Audit this machine (or a copy of its files under --root) against
    /// the CIS Kubernetes Benchmark: control-plane components, etcd, the
    /// kubelet and their files.
    Node(NodeArgs),
    /// Compare two JSON scan reports: new, fixed and unchanged findings,
    /// matched by fingerprint. Exits with 1 when there is a new finding.
    Diff(DiffArgs),
    /// Installing the admission webhook: `certs` and `manifests`.
    Admission {
        #[command(subcommand)]
        command: AdmissionCommand,
    },
    /// Long-running services: `serve admission`, the validating webhook.
    Serve {
        #[command(subcommand)]
        command: ServeCommand,
    },
    /// Compliance frameworks: `list`, or `show NAME` with its controls and
    /// the checks that decide each.
    Frameworks {
        #[command(subcommand)]
        command: FrameworksCommand,
    },
    /// Users' own policies: `test DIR` runs their fixtures.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// The check catalogue.
    Checks {
        #[command(subcommand)]
        command: ChecksCommand,
    },
    /// Questions about RBAC across the scanned manifests: who can do
    /// what, what a subject can do, and paths to cluster-admin.
    Rbac {
        #[command(subcommand)]
        command: RbacCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RbacCommand {
    /// Every subject that can VERB RESOURCE, and the binding → role → rule
    /// chain that grants it.
    WhoCan {
        /// A verb (`get`, `create`, `impersonate`, `*`, ...).
        verb: String,
        /// `pods`, `pods/exec`, `deployments.apps`, `widgets.example.com`,
        /// a short name (`deploy`), `*`, or a non-resource URL (`/metrics`).
        resource: String,
        /// Only grants that hold in this namespace (ClusterRoleBindings and
        /// this namespace's RoleBindings); default: any namespace.
        #[arg(short, long, value_name = "NAMESPACE")]
        namespace: Option<String>,
        /// Only grants that hold cluster-wide (ClusterRoleBindings).
        #[arg(long, conflicts_with = "namespace")]
        cluster_wide: bool,
        /// Ask about one object by name (rules limited by `resourceNames`
        /// count only for their names).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        #[command(flatten)]
        input: RbacInput,
    },
    /// Everything one subject can do: `User/alice`, `Group/dev`,
    /// `ServiceAccount/NAMESPACE/NAME` (or `sa/NAMESPACE/NAME`, or
    /// `system:serviceaccount:NAMESPACE:NAME`).
    Can {
        subject: String,
        /// Groups the subject belongs to beyond the implicit ones (repeat).
        #[arg(long = "group", value_name = "GROUP")]
        groups: Vec<String>,
        #[command(flatten)]
        input: RbacInput,
    },
    /// Privilege-escalation paths from subjects to cluster-admin-equivalent
    /// power. Exits with 1 when there is any.
    Paths {
        #[command(flatten)]
        input: RbacInput,
    },
}

/// What every RBAC query reads and how it prints.
#[derive(Debug, Args)]
pub struct RbacInput {
    /// Files or directories with the RBAC objects (and workloads, service
    /// accounts, Secrets for `paths`); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Walk Kustomize directories as plain directories instead of rendering them.
    #[arg(long)]
    pub no_kustomize: bool,
}

#[derive(Debug, Subcommand)]
pub enum ChecksCommand {
    /// List every check.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[command(flatten)]
        policies: PolicyArgs,
    },
    /// Print the documentation of one check (ID or slug).
    Explain {
        id: String,
        #[command(flatten)]
        policies: PolicyArgs,
    },
    /// Write the Markdown page of every check into DIR.
    #[command(hide = true)]
    Docs { dir: PathBuf },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// The formats of a scan report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Findings by resource, for a terminal.
    Table,
    /// Everything, for programs (docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, IDEs).
    Sarif,
    /// JUnit XML, for CI test views: a suite per check.
    Junit,
    /// CSV, a row per finding.
    Csv,
    /// A Markdown summary, for pull-request comments.
    Markdown,
    /// One self-contained HTML file: compliance scores, charts, filterable
    /// findings with their remediation.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour output going to a terminal (`to_terminal`) or not.
    pub fn resolve(self, to_terminal: bool) -> bool {
        // no-color.org: only a non-empty NO_COLOR disables colour.
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => to_terminal && !no_color,
        }
    }
}

/// A severity threshold, or `none` to never fail on findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    Severity(Severity),
    None,
}

fn parse_threshold(s: &str) -> Result<Threshold, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(Threshold::None);
    }
    s.parse()
        .map(Threshold::Severity)
        .map_err(|e: palisade_core::severity::UnknownSeverity| format!("{e} or none"))
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
        .map_err(|e: palisade_core::severity::UnknownSeverity| e.to_string())
}

/// `512MiB`, `100MB`, `1GiB` or a plain number of bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits.parse().map_err(|_| format!("invalid size `{s}`"))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "invalid size unit in `{s}` (use B, KB, KiB, MB, MiB, GB or GiB)"
            ))
        }
    };
    Ok(n.saturating_mul(factor))
}

/// How to reach a cluster and what to read from it.
#[derive(Debug, Args, Clone)]
pub struct ClusterArgs {
    /// The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config,
    /// then the in-cluster service account).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context (default: its current context).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// Read only this namespace (plus its Namespace object and the
    /// ClusterRoles its RoleBindings can name).
    #[arg(short, long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Read every namespace (the default).
    #[arg(short = 'A', long, conflicts_with = "namespace")]
    pub all_namespaces: bool,
    /// Read only these kinds: Deployment, deployments or deployments.apps;
    /// comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    pub kinds: Vec<String>,
    /// Objects per list request (0: each kind in one response).
    #[arg(long, default_value_t = 500, value_name = "N")]
    pub page_size: u32,
    /// Requests per second to the API server (0: no limit).
    #[arg(long, default_value_t = 50.0, value_name = "QPS")]
    pub qps: f64,
    /// Requests allowed in a burst above --qps.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub burst: u32,
    /// Kinds listed at the same time.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub concurrency: usize,
    /// Deadline of one API request, in seconds.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub request_timeout: u64,
    /// Do not read the nodes' kubelet configuration (nodes/proxy).
    #[arg(long)]
    pub no_kubelet_config: bool,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// The snapshot file to write (gzip-compressed JSON lines).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

impl ScanArgs {
    /// A scan's defaults, for commands that share its configuration file.
    pub fn defaults() -> ScanArgs {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            scan: ScanArgs,
        }
        match Wrap::try_parse_from(["palisade", "-"]) {
            Ok(wrap) => wrap.scan,
            Err(e) => unreachable!("scan's defaults always parse: {e}"),
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input.
    #[arg(required_unless_present_any = ["cluster", "snapshot"], conflicts_with_all = ["cluster", "snapshot"])]
    pub paths: Vec<PathBuf>,

    /// Scan the live cluster of the kubeconfig (see the cluster options).
    #[arg(long, conflicts_with = "snapshot")]
    pub cluster: bool,

    /// Scan a snapshot written by `palisade snapshot`.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,

    #[command(flatten, next_help_heading = "Cluster options (with --cluster)")]
    pub cluster_args: ClusterArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Run only these checks: IDs (PAL-WL-003), slugs, areas (WL) or ID prefixes; comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "CHECKS")]
    pub select: Vec<String>,

    /// Skip these checks (same forms as --select).
    #[arg(long, value_delimiter = ',', value_name = "CHECKS")]
    pub ignore: Vec<String>,

    /// Run only checks of at least this severity.
    #[arg(long, value_parser = parse_severity, value_name = "SEVERITY")]
    pub min_severity: Option<Severity>,

    /// Exit with 1 when a finding is at least this severe (`none`: never);
    /// default low.
    #[arg(long, value_parser = parse_threshold, value_name = "SEVERITY")]
    pub fail_on: Option<Threshold>,

    /// Run the checks of one framework and score its controls: cis-1.10,
    /// nsa-cisa, mitre, pss-baseline, pci-dss-4, ... (`palisade frameworks list`).
    #[arg(long, value_name = "NAME")]
    pub framework: Option<String>,

    /// Load a framework of your own, in YAML or JSON (the format of
    /// `palisade frameworks show NAME --format json`); repeatable.
    #[arg(long = "framework-file", value_name = "FILE")]
    pub framework_files: Vec<PathBuf>,

    /// Pod Security Standards version to evaluate (v1.0 … v1.37, or
    /// latest, the default).
    #[arg(long, value_name = "VERSION")]
    pub pss_version: Option<String>,

    /// Registries images may come from (enables PAL-WL-050); comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "REGISTRIES")]
    pub allowed_registries: Vec<String>,

    /// Rotation age: Secrets created longer ago are reported (PAL-SEC-005);
    /// default 90.
    #[arg(long, value_name = "DAYS")]
    pub secret_max_age: Option<u32>,

    /// Colour in the table output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Skip files larger than this (e.g. 512MiB).
    #[arg(long, value_parser = parse_size, default_value = "1GiB", value_name = "SIZE")]
    pub max_file_size: u64,

    /// Walk Kustomize directories as plain directories instead of rendering them.
    #[arg(long)]
    pub no_kustomize: bool,

    /// The configuration file (default: `palisade.yaml` or
    /// `.palisade.yaml` in the working directory or the nearest parent).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any configuration file.
    #[arg(long)]
    pub no_config: bool,

    #[command(flatten)]
    pub policies: PolicyArgs,

    /// Report only findings not in this earlier JSON report
    /// (`--format json`), matched by fingerprint, not by line.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Parse inputs but run no check (for benchmarking the parser).
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

#[derive(Debug, Args)]
pub struct NodeArgs {
    /// The node's root directory: every path (manifests, kubelet
    /// configuration, /etc/passwd) is read under it.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
    /// The node's process table (default: ROOT/proc).
    #[arg(long, value_name = "DIR")]
    pub proc: Option<PathBuf>,
    /// The benchmark to apply: cis-1.10 or cis-1.9 (default: the one
    /// written for the detected Kubernetes version).
    #[arg(long, value_name = "NAME")]
    pub benchmark: Option<String>,
    /// The Kubernetes version, when it cannot be detected (e.g. 1.30).
    #[arg(long, value_name = "VERSION", conflicts_with = "benchmark")]
    pub kubernetes_version: Option<String>,
    /// The distribution's file layout (default: detected).
    #[arg(long, value_enum)]
    pub layout: Option<NodeLayout>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour in the table output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Score a framework's controls from the audit (`cis-1.10`, `cis-1.9`,
    /// or one of your own naming node recommendations).
    #[arg(long, value_name = "NAME")]
    pub framework: Option<String>,
    /// Load a framework of your own; repeatable.
    #[arg(long = "framework-file", value_name = "FILE")]
    pub framework_files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NodeLayout {
    Kubeadm,
    Rke2,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier report (`palisade scan --format json`).
    pub old: PathBuf,
    /// The later report.
    pub new: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum FrameworksCommand {
    /// Every framework, with its version and number of controls.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Include a framework of your own; repeatable.
        #[arg(long = "framework-file", value_name = "FILE")]
        framework_files: Vec<PathBuf>,
    },
    /// One framework's controls (by name or alias).
    Show {
        name: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[arg(long = "framework-file", value_name = "FILE")]
        framework_files: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// The validating admission webhook: `AdmissionReview` v1 on
    /// `POST /validate` over HTTPS, with `/healthz`, `/readyz` and
    /// `/metrics`; judged by the same checks as `palisade scan`.
    Admission(AdmissionArgs),
}

#[derive(Debug, Args)]
pub struct AdmissionArgs {
    /// Address to listen on.
    #[arg(long, default_value = "0.0.0.0:8443", value_name = "ADDR")]
    pub listen: std::net::SocketAddr,
    /// The serving certificate (PEM, with its chain); reloaded when it changes.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: PathBuf,
    /// Its private key (PEM).
    #[arg(long, value_name = "FILE")]
    pub tls_key: PathBuf,
    /// What happens to a request with findings, in namespaces without a
    /// mode of their own. (Default: the configuration's
    /// `admission.default-mode`, or enforce.)
    #[arg(long, value_enum, value_name = "MODE")]
    pub default_mode: Option<AdmissionMode>,
    /// A namespace's own mode: `NAMESPACE=enforce|warn|audit`; repeatable.
    #[arg(long = "namespace-mode", value_name = "NS=MODE")]
    pub namespace_modes: Vec<String>,
    /// Never judge this namespace (besides kube-system, kube-public and
    /// kube-node-lease); repeatable. Exempt palisade's own.
    #[arg(long = "exempt-namespace", value_name = "NAMESPACE")]
    pub exempt_namespaces: Vec<String>,
    /// Findings at least this severe deny in enforce mode; the rest are
    /// warnings.
    /// (Default: the configuration's `fail-on`, or low.)
    #[arg(long, value_parser = parse_severity, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// What an UPDATE is blamed for: `changes`, the findings the old
    /// object did not have, or `all` of the new object's. (Default: the
    /// configuration's `admission.updates`, or changes.)
    #[arg(long, value_enum, value_name = "SCOPE")]
    pub updates: Option<AdmissionUpdates>,
    /// Deadline of one request, in seconds: keep it below the webhook's
    /// timeoutSeconds.
    #[arg(long, default_value_t = 8, value_name = "SECONDS")]
    pub deadline: u64,
    /// The configuration file, as for `palisade scan`: checks, severities,
    /// settings and exceptions (default: none).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub policies: PolicyArgs,
}

/// Users' own policies (Rego or CEL), run as checks.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// A policy directory, or a directory of them (repeatable); added to
    /// the configuration file's `policies`.
    #[arg(long = "policies", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub limits: PolicyLimits,
}

impl PolicyArgs {
    pub fn limits(&self) -> palisade_policy::LoadOptions {
        self.limits.options()
    }
}

/// The per-evaluation limits of user policies.
#[derive(Debug, Clone, Args)]
pub struct PolicyLimits {
    /// How long one user policy may take on one object, in milliseconds;
    /// beyond it the policy fails on that object.
    #[arg(long, default_value_t = 100, value_name = "MS")]
    pub policy_time_limit: u64,
    /// How much one Rego rule may allocate on one object, in MiB; beyond
    /// it the policy fails on that object.
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub policy_memory_limit: u64,
}

impl PolicyLimits {
    pub fn options(&self) -> palisade_policy::LoadOptions {
        palisade_policy::LoadOptions {
            time_limit: std::time::Duration::from_millis(self.policy_time_limit.max(1)),
            memory_limit: self.policy_memory_limit.max(1) << 20,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdmissionMode {
    Enforce,
    Warn,
    Audit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdmissionUpdates {
    Changes,
    All,
}

#[derive(Debug, Subcommand)]
pub enum AdmissionCommand {
    /// Create a CA and a serving certificate for the webhook's Service
    /// (`SERVICE.NAMESPACE.svc`): the CA goes into the webhook
    /// configuration's caBundle, the rest into the server's Secret.
    Certs(CertsArgs),
    /// Print the Namespace, NetworkPolicies, quota, ServiceAccount,
    /// Deployment, PodDisruptionBudget, Service and
    /// ValidatingWebhookConfiguration that run the webhook, hardened so
    /// that `palisade scan` of them finds nothing.
    Manifests(ManifestsArgs),
}

#[derive(Debug, Args)]
pub struct ManifestsArgs {
    /// The namespace to run in (exempt from the webhook).
    #[arg(long, default_value = "palisade", value_name = "NAMESPACE")]
    pub namespace: String,
    /// The image, pinned by digest (`registry/palisade@sha256:...`).
    #[arg(long, value_name = "IMAGE")]
    pub image: String,
    /// The CA certificate (PEM) that signed the serving certificate.
    #[arg(long, value_name = "FILE")]
    pub ca_bundle: PathBuf,
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub replicas: u32,
    /// A configuration file for the webhook (as `serve admission
    /// --config`): shipped in a ConfigMap with the policies and framework
    /// files it names, which must lie beside it or below it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CertsArgs {
    /// The webhook's Service.
    #[arg(long, default_value = "palisade-webhook", value_name = "NAME")]
    pub service: String,
    /// Its namespace.
    #[arg(long, default_value = "palisade", value_name = "NAMESPACE")]
    pub namespace: String,
    /// More DNS names or IP addresses for the serving certificate (repeatable).
    #[arg(long = "san", value_name = "NAME")]
    pub extra_names: Vec<String>,
    /// Days the serving certificate is valid; the CA lasts ten times longer.
    #[arg(long, default_value_t = 365, value_name = "DAYS")]
    pub days: u32,
    /// Where to write ca.crt, ca.key, tls.crt and tls.key.
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    /// Replace files that exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run every policy's fixtures: each file in `tests/fail/` must be
    /// reported by the policy, each in `tests/pass/` must not. Exits with 1
    /// when one does not behave.
    Test(PolicyTestArgs),
}

#[derive(Debug, Args)]
pub struct PolicyTestArgs {
    /// A policy directory, or a directory of them.
    #[arg(required = true, value_name = "DIR")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub limits: PolicyLimits,
}
