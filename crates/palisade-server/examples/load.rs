//! A load generator for the admission webhook over HTTPS on loopback:
//! keep-alive connections, each sending one AdmissionReview after another,
//! for a fixed time after a warm-up. Prints throughput and the latency
//! distribution as JSON. Used by `bench/admission-bench.py`.
//!
//! ```text
//! load --addr 127.0.0.1:8443 --ca ca.crt --server-name palisade-webhook.palisade.svc \
//!      --body review.json --connections 16 --seconds 10 --warmup 2
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls_pki_types::pem::PemObject;

struct Options {
    addr: SocketAddr,
    ca: PathBuf,
    server_name: String,
    body: PathBuf,
    path: String,
    connections: usize,
    seconds: f64,
    warmup: f64,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        addr: "127.0.0.1:8443".parse().map_err(|e| format!("{e}"))?,
        ca: PathBuf::new(),
        server_name: "palisade-webhook.palisade.svc".into(),
        body: PathBuf::new(),
        path: "/validate".into(),
        connections: 8,
        seconds: 10.0,
        warmup: 2.0,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let [flag, value] = pair else {
            return Err(format!("{} needs a value", pair[0]));
        };
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--addr" => o.addr = value.parse().map_err(|e| bad(&e))?,
            "--ca" => o.ca = value.into(),
            "--server-name" => o.server_name = value.clone(),
            "--body" => o.body = value.into(),
            "--path" => o.path = value.clone(),
            "--connections" => o.connections = value.parse().map_err(|e| bad(&e))?,
            "--seconds" => o.seconds = value.parse().map_err(|e| bad(&e))?,
            "--warmup" => o.warmup = value.parse().map_err(|e| bad(&e))?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(o)
}

const DENIED: &[u8; 15] = b"\"allowed\":false";

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    denied: u64,
    errors: u64,
}

async fn connection(
    o: Arc<Options>,
    tls: tokio_rustls::TlsConnector,
    body: Bytes,
    start: Instant,
) -> Result<Tally, String> {
    let measure_from = start + Duration::from_secs_f64(o.warmup);
    let end = measure_from + Duration::from_secs_f64(o.seconds);
    let tcp = tokio::net::TcpStream::connect(o.addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    let name = ServerName::try_from(o.server_name.clone()).map_err(|e| e.to_string())?;
    let stream = tls
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    tokio::spawn(conn);
    let mut tally = Tally::default();
    loop {
        let sent = Instant::now();
        if sent >= end {
            break;
        }
        let request = Request::post(o.path.as_str())
            .header("content-type", "application/json")
            .header("host", o.server_name.as_str())
            .body(Full::new(body.clone()))
            .map_err(|e| e.to_string())?;
        let response = match sender.send_request(request).await {
            Ok(r) => r,
            Err(e) => return Err(format!("request: {e}")),
        };
        let ok = response.status().is_success();
        let answer = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let took = sent.elapsed();
        if sent >= measure_from {
            if !ok {
                tally.errors += 1;
            } else if answer.windows(DENIED.len()).any(|w| w == DENIED.as_slice()) {
                tally.denied += 1;
            }
            tally.latencies.push(took);
        }
    }
    Ok(tally)
}

fn main() -> Result<(), String> {
    let o = Arc::new(options()?);
    let body =
        Bytes::from(std::fs::read(&o.body).map_err(|e| format!("{}: {e}", o.body.display()))?);
    let mut roots = rustls::RootCertStore::empty();
    for cert in
        CertificateDer::pem_file_iter(&o.ca).map_err(|e| format!("{}: {e}", o.ca.display()))?
    {
        roots
            .add(cert.map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config));
    // One thread: the server gets the rest of the machine.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let tally = runtime.block_on(async {
        let start = Instant::now();
        let tasks: Vec<_> = (0..o.connections)
            .map(|_| tokio::spawn(connection(Arc::clone(&o), tls.clone(), body.clone(), start)))
            .collect();
        let mut all = Tally::default();
        for task in tasks {
            let tally = task.await.map_err(|e| e.to_string())??;
            all.latencies.extend(tally.latencies);
            all.denied += tally.denied;
            all.errors += tally.errors;
        }
        Ok::<Tally, String>(all)
    })?;
    let mut latencies = tally.latencies;
    latencies.sort();
    if latencies.is_empty() {
        return Err("no request completed".into());
    }
    let at = |q: f64| {
        let i = ((latencies.len() as f64 * q) as usize).min(latencies.len() - 1);
        latencies[i].as_secs_f64() * 1e3
    };
    println!(
        "{}",
        serde_json::json!({
            "connections": o.connections,
            "requests": latencies.len(),
            "rps": latencies.len() as f64 / o.seconds,
            "p50_ms": at(0.50), "p90_ms": at(0.90), "p99_ms": at(0.99), "p999_ms": at(0.999),
            "max_ms": at(1.0),
            "denied": tally.denied, "errors": tally.errors,
        })
    );
    Ok(())
}
