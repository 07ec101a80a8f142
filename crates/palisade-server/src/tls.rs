//! The serving certificate, read from PEM files and reloaded when they
//! change (cert-manager and `kubectl` rotate the Secret's files in place),
//! without a restart and without dropping connections.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use rustls::crypto::ring::default_provider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Files are looked at for changes at most this often.
const RECHECK: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("the TLS configuration was refused: {0}")]
    Config(String),
}

fn load(cert: &Path, key: &Path) -> Result<Arc<CertifiedKey>, TlsError> {
    let file_error = |path: &Path, message: String| TlsError::File {
        path: path.display().to_string(),
        message,
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| file_error(cert, e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| file_error(cert, e.to_string()))?;
    if chain.is_empty() {
        return Err(file_error(cert, "no certificate in the file".to_string()));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| file_error(key, e.to_string()))?;
    let signing = default_provider()
        .key_provider
        .load_private_key(key_der)
        .map_err(|e| file_error(key, e.to_string()))?;
    Ok(Arc::new(CertifiedKey::new(chain, signing)))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Serves the current certificate, reloading it when its files change; a
/// file caught half-written is ignored until it reads whole.
#[derive(Debug)]
pub struct Reloading {
    cert: PathBuf,
    key: PathBuf,
    current: RwLock<Arc<CertifiedKey>>,
    /// When the files were last looked at, and their modification times.
    seen: Mutex<(Instant, Option<SystemTime>, Option<SystemTime>)>,
}

impl Reloading {
    pub fn new(cert: &Path, key: &Path) -> Result<Reloading, TlsError> {
        let current = load(cert, key)?;
        Ok(Reloading {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
            current: RwLock::new(current),
            seen: Mutex::new((Instant::now(), modified(cert), modified(key))),
        })
    }

    fn refresh(&self) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if seen.0.elapsed() < RECHECK {
            return;
        }
        let times = (modified(&self.cert), modified(&self.key));
        seen.0 = Instant::now();
        if (seen.1, seen.2) == times {
            return;
        }
        if let Ok(fresh) = load(&self.cert, &self.key) {
            if let Ok(mut current) = self.current.write() {
                *current = fresh;
                (seen.1, seen.2) = times;
            }
        }
    }
}

impl ResolvesServerCert for Reloading {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.refresh();
        self.current.read().ok().map(|c| Arc::clone(&c))
    }
}

/// A rustls server configuration serving `cert` and `key`, reloaded on
/// change.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let resolver = Reloading::new(cert, key)?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(resolver));
    Ok(Arc::new(config))
}
