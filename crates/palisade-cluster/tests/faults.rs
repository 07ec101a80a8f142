//! Faults a real API server rarely produces on demand, from a small
//! scripted HTTP server on loopback: throttling, server errors, dropped
//! connections, truncated bodies, expired list snapshots, slow answers,
//! rejected credentials. (The happy path and real 403s are tested against a
//! real kube-apiserver in `crates/palisade/tests/cluster.rs`.)

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use palisade_cluster::fetch::RetryPolicy;
use palisade_cluster::{
    collect, CollectError, CollectOptions, ConnectOptions, Event, GapCause, Summary,
};
use serde_json::{json, Value};

/// What the server does with one request.
enum Reply {
    Json(u16, Value),
    /// 429 with `Retry-After: 0`.
    Throttle,
    /// Closes the connection without answering.
    Drop,
    /// Announces more bytes than it sends, then closes.
    Truncated(Value),
    /// Answers after a delay.
    Slow(Duration, Value),
}

/// A request: its path with query, and how many times that exact path was
/// asked for before (0 the first time).
struct Asked<'a> {
    path: &'a str,
    before: usize,
}

type Script = dyn Fn(&Asked<'_>) -> Reply + Send + Sync;

struct FakeServer {
    url: String,
    counts: Arc<Mutex<HashMap<String, usize>>>,
}

impl FakeServer {
    fn start(script: Box<Script>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let script: Arc<Script> = Arc::from(script);
        let shared = Arc::clone(&counts);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let script = Arc::clone(&script);
                let counts = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &*script, &counts));
            }
        });
        FakeServer { url, counts }
    }

    /// How many times exactly `path` was asked for.
    fn count(&self, path: &str) -> usize {
        self.counts.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

fn serve(stream: TcpStream, script: &Script, counts: &Mutex<HashMap<String, usize>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                break;
            }
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_string();
        let before = {
            let mut counts = counts.lock().unwrap();
            let n = counts.entry(path.clone()).or_insert(0);
            *n += 1;
            *n - 1
        };
        let respond = |stream: &mut TcpStream, status: u16, body: &str, extra: &str| {
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n{body}",
                body.len()
            );
        };
        match script(&Asked {
            path: &path,
            before,
        }) {
            Reply::Json(status, body) => respond(&mut stream, status, &body.to_string(), ""),
            Reply::Throttle => respond(
                &mut stream,
                429,
                &json!({"kind": "Status", "message": "too many requests"}).to_string(),
                "Retry-After: 0\r\n",
            ),
            Reply::Drop => return,
            Reply::Truncated(body) => {
                let text = body.to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
                    text.len() + 100,
                    &text[..text.len() / 2]
                );
                return;
            }
            Reply::Slow(delay, body) => {
                std::thread::sleep(delay);
                respond(&mut stream, 200, &body.to_string(), "");
            }
        }
    }
}

/// The API every scenario shares: the core group with Namespaces and
/// ConfigMaps, no other group, one namespace.
fn discovery(path: &str) -> Option<Value> {
    match path {
        "/version" => Some(json!({"gitVersion": "v1.31.0"})),
        "/api/v1" => Some(json!({"resources": [
            {"name": "namespaces", "kind": "Namespace", "namespaced": false, "verbs": ["list"]},
            {"name": "configmaps", "kind": "ConfigMap", "namespaced": true, "verbs": ["list"]},
        ]})),
        "/apis" => Some(json!({"groups": []})),
        p if p.starts_with("/api/v1/namespaces?") => Some(list(&["a"], "Namespace", None)),
        _ => None,
    }
}

fn list(names: &[&str], kind: &str, next: Option<&str>) -> Value {
    let items: Vec<Value> = names
        .iter()
        .map(|n| json!({"metadata": {"name": n, "uid": format!("uid-{n}"), "namespace": if kind == "ConfigMap" { json!("a") } else { Value::Null }}}))
        .collect();
    json!({"kind": format!("{kind}List"), "metadata": {"continue": next.unwrap_or("")}, "items": items})
}

fn options(server: &FakeServer, dir: &tempfile::TempDir) -> CollectOptions {
    let kubeconfig: PathBuf = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {}\nusers:\n- name: u\n  user:\n    token: t0ken\ncontexts:\n- name: fake\n  context: {{cluster: fake, user: u}}\ncurrent-context: fake\n",
            server.url
        ),
    )
    .unwrap();
    CollectOptions {
        connect: ConnectOptions {
            kubeconfig: Some(kubeconfig),
            context: None,
            request_timeout: Some(Duration::from_millis(800)),
        },
        page_size: 2,
        qps: 0.0,
        retry: RetryPolicy {
            attempts: 3,
            backoff: Duration::from_millis(5),
            max_wait: Duration::from_millis(50),
        },
        ..CollectOptions::default()
    }
}

/// Collects from a server running `script` for the ConfigMap lists.
fn run(
    script: impl Fn(&Asked<'_>) -> Reply + Send + Sync + 'static,
) -> (Result<Summary, CollectError>, Vec<String>, FakeServer) {
    let server = FakeServer::start(Box::new(move |asked| {
        discovery(asked.path).map_or_else(|| script(asked), |body| Reply::Json(200, body))
    }));
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    let result = collect(&options(&server, &dir), &mut |event| {
        if let Event::Objects(objects) = event {
            names.extend(
                objects
                    .iter()
                    .filter(|o| o["kind"] == "ConfigMap")
                    .map(|o| o["metadata"]["name"].as_str().unwrap().to_string()),
            );
        }
    });
    (result, names, server)
}

const FIRST: &str = "/api/v1/configmaps?limit=2";
const SECOND: &str = "/api/v1/configmaps?limit=2&continue=page2";

/// Two pages: c1 c2, then c3.
fn pages(asked: &Asked<'_>) -> Value {
    if asked.path == FIRST {
        list(&["c1", "c2"], "ConfigMap", Some("page2"))
    } else {
        list(&["c3"], "ConfigMap", None)
    }
}

#[test]
fn throttling_is_retried_after_the_servers_delay() {
    let (result, names, server) = run(|asked| {
        if asked.before < 2 {
            Reply::Throttle
        } else {
            Reply::Json(200, pages(asked))
        }
    });
    let summary = result.unwrap();
    assert_eq!(names, ["c1", "c2", "c3"]);
    assert!(summary.gaps.is_empty(), "{:?}", summary.gaps);
    assert_eq!(server.count(FIRST), 3);
}

#[test]
fn server_errors_drops_and_truncated_bodies_are_retried() {
    let (result, names, _) = run(|asked| match (asked.path == FIRST, asked.before) {
        (true, 0) => Reply::Json(
            503,
            json!({"kind": "Status", "message": "etcd leader changed"}),
        ),
        (true, 1) => Reply::Drop,
        (false, 0) => Reply::Truncated(pages(asked)),
        _ => Reply::Json(200, pages(asked)),
    });
    let summary = result.unwrap();
    assert_eq!(names, ["c1", "c2", "c3"]);
    assert!(summary.gaps.is_empty(), "{:?}", summary.gaps);
}

#[test]
fn an_expired_list_starts_again_without_repeating_objects() {
    let (result, names, server) = run(|asked| {
        if asked.path == SECOND && asked.before == 0 {
            Reply::Json(
                410,
                json!({"kind": "Status", "code": 410, "message": "The provided continue parameter is too old"}),
            )
        } else {
            Reply::Json(200, pages(asked))
        }
    });
    let summary = result.unwrap();
    assert_eq!(names, ["c1", "c2", "c3"], "each object once");
    assert_eq!(server.count(FIRST), 2, "the list started again");
    assert_eq!(
        summary
            .listed
            .iter()
            .find(|k| k.kind == "ConfigMap")
            .unwrap()
            .objects,
        3
    );
}

#[test]
fn an_expired_list_goes_on_with_the_servers_inconsistent_token() {
    let (result, names, server) = run(|asked| match asked.path {
        SECOND => Reply::Json(
            410,
            json!({"kind": "Status", "code": 410, "message": "too old", "metadata": {"continue": "fresh"}}),
        ),
        p if p.ends_with("continue=fresh") => Reply::Json(200, list(&["c3"], "ConfigMap", None)),
        _ => Reply::Json(200, pages(asked)),
    });
    let summary = result.unwrap();
    assert_eq!(names, ["c1", "c2", "c3"]);
    assert_eq!(server.count(FIRST), 1);
    assert!(
        summary.warnings.iter().any(|w| w.contains("newer")),
        "{:?}",
        summary.warnings
    );
}

#[test]
fn what_never_answers_becomes_a_gap_and_the_rest_is_kept() {
    let (result, names, _) = run(|asked| {
        if asked.path == SECOND {
            Reply::Slow(Duration::from_secs(3), pages(asked))
        } else {
            Reply::Json(200, pages(asked))
        }
    });
    let summary = result.unwrap();
    assert_eq!(names, ["c1", "c2"], "the first page was read");
    let gap = summary
        .gaps
        .iter()
        .find(|g| g.kind == "ConfigMap")
        .expect("a gap");
    assert_eq!(gap.cause, GapCause::Failed);
    assert!(
        gap.describe()
            .starts_with("could not list configmaps in all namespaces: no answer within"),
        "{}",
        gap.describe()
    );
    // What was read is still reported as read.
    assert_eq!(
        summary
            .listed
            .iter()
            .find(|k| k.kind == "ConfigMap")
            .unwrap()
            .objects,
        2
    );
}

#[test]
fn persistent_server_errors_become_a_gap() {
    let (result, _, server) =
        run(|_| Reply::Json(500, json!({"kind": "Status", "message": "internal error"})));
    let summary = result.unwrap();
    let gap = summary
        .gaps
        .iter()
        .find(|g| g.kind == "ConfigMap")
        .expect("a gap");
    assert!(
        gap.describe()
            .contains("server error 500 after 3 attempts: internal error"),
        "{}",
        gap.describe()
    );
    assert_eq!(server.count(FIRST), 3);
}

#[test]
fn a_forbidden_cluster_wide_list_is_tried_namespace_by_namespace() {
    let (result, names, _) = run(|asked| match asked.path {
        FIRST => Reply::Json(
            403,
            json!({"kind": "Status", "message": "configmaps is forbidden"}),
        ),
        "/api/v1/namespaces/a/configmaps?limit=2" => {
            Reply::Json(200, list(&["c9"], "ConfigMap", None))
        }
        _ => Reply::Json(404, json!({})),
    });
    let summary = result.unwrap();
    assert_eq!(names, ["c9"]);
    assert!(summary.gaps.is_empty(), "{:?}", summary.gaps);
    let listed = summary
        .listed
        .iter()
        .find(|k| k.kind == "ConfigMap")
        .unwrap();
    assert_eq!(listed.namespaces.as_deref(), Some(&["a".to_string()][..]));
}

#[test]
fn rejected_credentials_stop_the_collection() {
    let server = FakeServer::start(Box::new(|_| {
        Reply::Json(401, json!({"kind": "Status", "message": "Unauthorized"}))
    }));
    let dir = tempfile::tempdir().unwrap();
    let error = collect(&options(&server, &dir), &mut |_| {}).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("rejected the credentials (401 Unauthorized)"),
        "{error}"
    );
}

#[test]
fn an_unreachable_server_is_named() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let server = FakeServer {
        url,
        counts: Arc::default(),
    };
    let dir = tempfile::tempdir().unwrap();
    let error = collect(&options(&server, &dir), &mut |_| {}).unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "cannot reach the Kubernetes API server at {}",
            server.url
        )),
        "{text}"
    );
}
