//! The webhook over HTTPS: `POST /validate` with `AdmissionReview` v1,
//! `/healthz`, `/readyz` and `/metrics`. Every request is bounded: body
//! size, a deadline below the webhook's timeout, and the number judged at
//! once. Shutdown stops accepting and lets requests in flight finish.
//!
//! Failure policy: when palisade cannot answer in time it returns an
//! error, and the API server applies the webhook's `failurePolicy`
//! (`Fail` in the manifests palisade prints: fail closed, since a gate
//! that opens under load is no gate).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

use crate::admission::{Admission, AdmissionRequest, Mode};
use crate::metrics::Metrics;

/// Bounds on each request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Larger bodies are refused (413). The API server caps objects at
    /// about 3 MiB; a review holds the object twice on UPDATE.
    pub max_body: usize,
    /// For the TLS handshake and the headers, then for a slot and the body
    /// together; below the webhook's `timeoutSeconds` so that palisade, not
    /// the API server, decides what a slow request gets. Judging itself is
    /// bounded by each user policy's time limit.
    pub deadline: Duration,
    /// Requests judged at once; more wait for a slot until the deadline.
    pub max_in_flight: usize,
    /// How long shutdown waits for requests in flight.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 7 << 20,
            deadline: Duration::from_secs(8),
            max_in_flight: 64,
            drain: Duration::from_secs(15),
        }
    }
}

pub struct Webhook {
    admission: Arc<Admission>,
    metrics: Metrics,
    limits: Limits,
    slots: Semaphore,
}

type Reply = Response<Full<Bytes>>;

fn reply(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Reply {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    if let Ok(value) = content_type.parse() {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, value);
    }
    response
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Enforce => "enforce",
        Mode::Warn => "warn",
        Mode::Audit => "audit",
    }
}

impl Webhook {
    pub fn new(admission: Admission, limits: Limits) -> Arc<Webhook> {
        Arc::new(Webhook {
            admission: Arc::new(admission),
            metrics: Metrics::default(),
            slots: Semaphore::new(limits.max_in_flight.max(1)),
            limits,
        })
    }

    async fn route(self: Arc<Self>, request: Request<Incoming>) -> Result<Reply, Infallible> {
        let text = "text/plain; charset=utf-8";
        Ok(match (request.method(), request.uri().path()) {
            (&Method::GET, "/healthz") | (&Method::GET, "/readyz") => {
                reply(StatusCode::OK, text, "ok\n")
            }
            (&Method::GET, "/metrics") => reply(
                StatusCode::OK,
                "text/plain; version=0.0.4",
                self.metrics.render(),
            ),
            (&Method::POST, path) if label_mode(path).is_some() => {
                let label = label_mode(path).flatten();
                self.validate(request, label).await
            }
            (_, path) if label_mode(path).is_some() => reply(
                StatusCode::METHOD_NOT_ALLOWED,
                text,
                "POST an AdmissionReview\n",
            ),
            _ => reply(StatusCode::NOT_FOUND, text, "not found\n"),
        })
    }

    async fn validate(self: Arc<Self>, request: Request<Incoming>, label: Option<Mode>) -> Reply {
        let started = Instant::now();
        let text = "text/plain; charset=utf-8";
        let rejected = |status: StatusCode, message: String| {
            self.metrics.request("rejected", started.elapsed());
            reply(status, text, message + "\n")
        };
        let remaining = || self.limits.deadline.saturating_sub(started.elapsed());
        let Ok(Ok(_permit)) = tokio::time::timeout(remaining(), self.slots.acquire()).await else {
            return rejected(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many requests in flight".into(),
            );
        };
        let body = Limited::new(request.into_body(), self.limits.max_body);
        let bytes = match tokio::time::timeout(remaining(), body.collect()).await {
            Err(_) => {
                return rejected(
                    StatusCode::REQUEST_TIMEOUT,
                    "the request body did not arrive in time".into(),
                )
            }
            Ok(Err(e))
                if e.downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some() =>
            {
                return rejected(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the request body is over {} bytes", self.limits.max_body),
                )
            }
            Ok(Err(e)) => {
                return rejected(
                    StatusCode::BAD_REQUEST,
                    format!("the request body could not be read: {e}"),
                )
            }
            Ok(Ok(collected)) => collected.to_bytes(),
        };
        let review = match AdmissionRequest::decode(&bytes) {
            Ok(review) => review,
            Err(e) => return rejected(StatusCode::BAD_REQUEST, e.to_string()),
        };
        // Judged here, on the runtime's worker (one per core), not handed
        // to a pool: a decision takes 50-300 µs, and the two thread
        // wake-ups of a hand-off cost a quarter of the machine at that
        // rate (measured: 4,300-4,700 against 5,000-6,100 requests/s with
        // 20 policies). The workers are fixed, so each keeps warm what
        // user policies compile for it; no evaluation outlives its
        // policy's time limit, so a worker is never held for long.
        let judged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.admission.decide_labelled(&review, label)
        }));
        let Ok(decision) = judged else {
            // A panic while judging loses that request only, never the
            // server.
            eprintln!("palisade: a request could not be judged (internal error)");
            self.metrics.request("error", started.elapsed());
            return reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                text,
                "the request could not be judged\n",
            );
        };
        if let (true, Some(mode)) = (decision.record, decision.mode) {
            for finding in &decision.findings {
                self.metrics.decision(finding.check.id, mode_name(mode));
            }
        }
        let outcome = if decision.response.allowed {
            "allowed"
        } else {
            "denied"
        };
        self.metrics.request(outcome, started.elapsed());
        match serde_json::to_vec(&decision.response.to_review()) {
            Ok(json) => reply(StatusCode::OK, "application/json", json),
            Err(e) => reply(StatusCode::INTERNAL_SERVER_ERROR, text, format!("{e}\n")),
        }
    }

    /// Serves until `shutdown` completes, then stops accepting and waits
    /// (up to `drain`) for the requests in flight.
    pub async fn serve(
        self: Arc<Self>,
        listener: TcpListener,
        tls: Arc<rustls::ServerConfig>,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let acceptor = TlsAcceptor::from(tls);
        let graceful = GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            let (stream, _peer): (tokio::net::TcpStream, SocketAddr) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(pair) => pair,
                    // Out of file descriptors and the like: keep serving.
                    Err(_) => continue,
                },
                () = &mut shutdown => break,
            };
            let acceptor = acceptor.clone();
            let webhook = Arc::clone(&self);
            let deadline = self.limits.deadline;
            let watcher = graceful.watcher();
            tokio::spawn(async move {
                // A client that never finishes its handshake holds nothing
                // for long.
                let Ok(Ok(tls)) = tokio::time::timeout(deadline, acceptor.accept(stream)).await
                else {
                    return;
                };
                let service =
                    hyper::service::service_fn(move |request| Arc::clone(&webhook).route(request));
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(deadline)
                    .serve_connection(TokioIo::new(tls), service);
                let _ = watcher.watch(connection).await;
            });
        }
        drop(listener);
        let _ = tokio::time::timeout(self.limits.drain, graceful.shutdown()).await;
        Ok(())
    }
}

/// The validating paths: `/validate`, and `/validate/MODE` for the
/// namespaces labelled `palisade.dev/mode=MODE` (the webhook
/// configuration selects them by label). `None` for other paths.
fn label_mode(path: &str) -> Option<Option<Mode>> {
    match path {
        "/validate" => Some(None),
        "/validate/enforce" => Some(Some(Mode::Enforce)),
        "/validate/warn" => Some(Some(Mode::Warn)),
        "/validate/audit" => Some(Some(Mode::Audit)),
        _ => None,
    }
}
