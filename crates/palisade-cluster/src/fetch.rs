//! GET requests to the API server with the rate limit, a deadline, and
//! retries for what is worth retrying: throttling (429, honouring
//! `Retry-After`), server errors, dropped connections and truncated
//! bodies. What is not worth retrying (401, 403, 404, 410) is returned at
//! once as a precise error.

use std::time::Duration;

use http::{Request, StatusCode};
use http_body_util::BodyExt;
use kube::client::Body;
use serde_json::Value;

use crate::limiter::Limiter;

/// Why a request failed, after any retries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("the API server rejected the credentials (401 Unauthorized): {0}")]
    Unauthorized(String),
    #[error("forbidden (403): {0}")]
    Forbidden(String),
    #[error("not found (404): {0}")]
    NotFound(String),
    /// 410 Gone: a `continue` token that expired. The server may offer a
    /// token to go on in a newer, inconsistent view.
    #[error("the list's snapshot expired (410 Gone): {message}")]
    Expired {
        message: String,
        inconsistent_continue: Option<String>,
    },
    #[error("still throttled (429) after {attempts} attempts: {message}")]
    Throttled { attempts: u32, message: String },
    #[error("server error {code} after {attempts} attempts: {message}")]
    Server {
        code: u16,
        attempts: u32,
        message: String,
    },
    #[error("unexpected response {code}: {message}")]
    Status { code: u16, message: String },
    #[error("no answer within {0:?} ({1} attempts)")]
    Timeout(Duration, u32),
    #[error("{message} ({attempts} attempts)")]
    Transport { attempts: u32, message: String },
    #[error("truncated or malformed response ({attempts} attempts): {message}")]
    Malformed { attempts: u32, message: String },
}

/// How often and how long to retry.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub attempts: u32,
    /// The first backoff; it doubles on each retry.
    pub backoff: Duration,
    /// The longest wait, also the cap on `Retry-After`.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            backoff: Duration::from_millis(250),
            max_wait: Duration::from_secs(30),
        }
    }
}

pub struct Fetcher {
    client: kube::Client,
    limiter: Limiter,
    timeout: Duration,
    retry: RetryPolicy,
}

/// One failed attempt, and whether another may succeed.
enum Attempt {
    Retry {
        error: FetchError,
        after: Option<Duration>,
    },
    Fatal(FetchError),
}

impl Fetcher {
    pub fn new(
        client: kube::Client,
        limiter: Limiter,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Self {
        Fetcher {
            client,
            limiter,
            timeout,
            retry,
        }
    }

    /// GETs `path` (with its query) and parses the JSON body.
    pub async fn get_json(&self, path: &str) -> Result<Value, FetchError> {
        self.get_json_attempts(path, self.retry.attempts).await
    }

    /// [`Fetcher::get_json`] with at most `attempts` tries.
    pub async fn get_json_attempts(&self, path: &str, attempts: u32) -> Result<Value, FetchError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.limiter.acquire().await;
            let outcome = match tokio::time::timeout(self.timeout, self.get_once(path)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(Attempt::Retry {
                    error: FetchError::Timeout(self.timeout, attempt),
                    after: None,
                }),
            };
            let (error, after) = match outcome {
                Ok(value) => return Ok(value),
                Err(Attempt::Fatal(error)) => return Err(error),
                Err(Attempt::Retry { error, after }) => (error, after),
            };
            if attempt >= attempts {
                return Err(with_attempts(error, attempt));
            }
            let backoff = self.retry.backoff * 2u32.saturating_pow(attempt - 1);
            let wait = after.unwrap_or(backoff).min(self.retry.max_wait);
            tokio::time::sleep(wait).await;
        }
    }

    async fn get_once(&self, path: &str) -> Result<Value, Attempt> {
        let request = Request::get(path)
            .header(http::header::ACCEPT, "application/json")
            .body(Body::from(Vec::new()))
            .map_err(|e| {
                Attempt::Fatal(FetchError::Status {
                    code: 0,
                    message: format!("invalid request {path}: {e}"),
                })
            })?;
        let response = self
            .client
            .send(request)
            .await
            .map_err(|e| Attempt::Retry {
                error: FetchError::Transport {
                    attempts: 0,
                    message: error_chain(&e),
                },
                after: None,
            })?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| Attempt::Retry {
                error: FetchError::Malformed {
                    attempts: 0,
                    message: format!(
                        "the connection broke while reading the body: {}",
                        error_chain(&e)
                    ),
                },
                after: None,
            })?;
        let body = body.to_bytes();
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| Attempt::Retry {
                error: FetchError::Malformed {
                    attempts: 0,
                    message: e.to_string(),
                },
                after: None,
            });
        }
        Err(classify(status, &body, retry_after))
    }
}

/// Turns an error response into an error, with the message of the
/// `Status` object the API server sends (or the start of whatever body a
/// proxy sent instead).
fn classify(status: StatusCode, body: &[u8], retry_after: Option<Duration>) -> Attempt {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("message"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            let short: String = text.chars().take(200).collect();
            if short.is_empty() {
                status
                    .canonical_reason()
                    .unwrap_or("no message")
                    .to_string()
            } else {
                short
            }
        });
    match status.as_u16() {
        401 => Attempt::Fatal(FetchError::Unauthorized(message)),
        403 => Attempt::Fatal(FetchError::Forbidden(message)),
        404 => Attempt::Fatal(FetchError::NotFound(message)),
        410 => Attempt::Fatal(FetchError::Expired {
            message,
            inconsistent_continue: parsed
                .as_ref()
                .and_then(|v| v.pointer("/metadata/continue"))
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        }),
        429 => Attempt::Retry {
            error: FetchError::Throttled {
                attempts: 0,
                message,
            },
            after: retry_after.or(Some(Duration::from_secs(1))),
        },
        code @ 500..=599 => Attempt::Retry {
            error: FetchError::Server {
                code,
                attempts: 0,
                message,
            },
            after: retry_after,
        },
        code => Attempt::Fatal(FetchError::Status { code, message }),
    }
}

fn with_attempts(error: FetchError, n: u32) -> FetchError {
    match error {
        FetchError::Throttled { message, .. } => FetchError::Throttled {
            attempts: n,
            message,
        },
        FetchError::Server { code, message, .. } => FetchError::Server {
            code,
            attempts: n,
            message,
        },
        FetchError::Transport { message, .. } => FetchError::Transport {
            attempts: n,
            message,
        },
        FetchError::Malformed { message, .. } => FetchError::Malformed {
            attempts: n,
            message,
        },
        FetchError::Timeout(d, _) => FetchError::Timeout(d, n),
        other => other,
    }
}

/// An error and its causes, `a: b: c`, without repeats (libraries often
/// embed their source's text in their own).
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}
