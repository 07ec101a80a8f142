//! Finding the cluster and the credentials the way kubectl does:
//! `--kubeconfig`, else `KUBECONFIG` (a list of files, merged), else
//! `~/.kube/config`, else the in-cluster service account. Contexts,
//! client certificates, bearer tokens, token files, custom CAs and exec
//! credential plugins are kube-rs' own handling of the kubeconfig.

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};

use crate::fetch::error_chain;

#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    /// The deadline of one request, body included.
    pub request_timeout: Option<Duration>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot read the kubeconfig {path}: {message}")]
    Kubeconfig { path: String, message: String },
    #[error("no kubeconfig found (looked at $KUBECONFIG and ~/.kube/config) and not running inside a cluster; pass --kubeconfig FILE")]
    NoConfig,
    #[error("context {0:?} is not in the kubeconfig")]
    UnknownContext(String),
    #[error("--context needs a kubeconfig, but none was found")]
    ContextWithoutKubeconfig,
    #[error("cannot use the kubeconfig: {0}")]
    Invalid(String),
    #[error("cannot use the in-cluster service account: {0}")]
    InCluster(String),
    #[error("cannot create the API client: {0}")]
    Client(String),
}

/// A connected client and how to name its cluster.
pub struct Connection {
    pub client: kube::Client,
    pub server: String,
    pub context: Option<String>,
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

pub async fn connect(options: &ConnectOptions) -> Result<Connection, ConnectError> {
    let (mut config, context) = match load_kubeconfig(options)? {
        Some((kubeconfig, path)) => {
            let context = options
                .context
                .clone()
                .or_else(|| kubeconfig.current_context.clone());
            if let Some(name) = &options.context {
                if !kubeconfig.contexts.iter().any(|c| &c.name == name) {
                    return Err(ConnectError::UnknownContext(name.clone()));
                }
            }
            let kube_options = KubeConfigOptions {
                context: options.context.clone(),
                ..KubeConfigOptions::default()
            };
            let config = kube::Config::from_custom_kubeconfig(kubeconfig, &kube_options)
                .await
                .map_err(|e| match e {
                    KubeconfigError::ReadConfig(..) | KubeconfigError::Parse(..) => {
                        ConnectError::Kubeconfig {
                            path: path.clone(),
                            message: error_chain(&e),
                        }
                    }
                    other => ConnectError::Invalid(error_chain(&other)),
                })?;
            (config, context)
        }
        None => {
            if options.context.is_some() {
                return Err(ConnectError::ContextWithoutKubeconfig);
            }
            if std::env::var_os("KUBERNETES_SERVICE_HOST").is_none() {
                return Err(ConnectError::NoConfig);
            }
            let config =
                kube::Config::incluster().map_err(|e| ConnectError::InCluster(error_chain(&e)))?;
            (config, None)
        }
    };
    // Retries are ours (they honour Retry-After and count attempts).
    config.default_retry = false;
    config.connect_timeout = Some(Duration::from_secs(10));
    // The request deadline is enforced around each whole request (body
    // included) by the fetcher; the socket's own timeout is only a
    // backstop, later, so that a slow answer is reported as one.
    config.read_timeout =
        Some(options.request_timeout.unwrap_or(DEFAULT_TIMEOUT) + Duration::from_secs(5));
    config.reset_reader_on_write = true;
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    let client =
        kube::Client::try_from(config).map_err(|e| ConnectError::Client(error_chain(&e)))?;
    Ok(Connection {
        client,
        server,
        context,
    })
}

/// The kubeconfig to use and where it came from, or `None` when there is
/// none at all (so the in-cluster account is next).
fn load_kubeconfig(options: &ConnectOptions) -> Result<Option<(Kubeconfig, String)>, ConnectError> {
    let unreadable = |path: String, e: KubeconfigError| ConnectError::Kubeconfig {
        path,
        message: error_chain(&e),
    };
    if let Some(path) = &options.kubeconfig {
        let shown = path.display().to_string();
        return Kubeconfig::read_from(path)
            .map(|k| Some((k, shown.clone())))
            .map_err(|e| unreadable(shown, e));
    }
    if let Some(list) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        let shown = list.to_string_lossy().into_owned();
        return match Kubeconfig::from_env() {
            Ok(Some(k)) => Ok(Some((k, shown))),
            Ok(None) => Ok(None),
            Err(e) => Err(unreadable(shown, e)),
        };
    }
    let Some(home) = std::env::var_os("HOME").map(PathBuf::from) else {
        return Ok(None);
    };
    let path = home.join(".kube").join("config");
    if !path.exists() {
        return Ok(None);
    }
    let shown = path.display().to_string();
    Kubeconfig::read_from(&path)
        .map(|k| Some((k, shown.clone())))
        .map_err(|e| unreadable(shown, e))
}
