//! What the API tests share: a server started exactly as production starts it
//! (`mieruka_server::launch` on a listener bound to port 0), a small HTTP/1.1 client that keeps
//! the session cookie and CSRF token, and the demo seeded through the store.

#![allow(dead_code)]

pub mod seed;

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use mieruka_server::Settings;
use mieruka_store::Store;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};

/// A running server; stopped (its requests finished) when dropped or by [`Server::stop`].
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Starts the app on 127.0.0.1 with a free port.
    pub async fn start(settings: Settings, store: Store) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async move {
            let _ = rx.await;
        };
        let task = tokio::spawn(mieruka_server::launch(settings, store, listener, shutdown));
        Server {
            addr,
            stop: Some(tx),
            task: Some(task),
        }
    }

    /// A client without credentials.
    pub fn client(&self) -> Client {
        Client::new(self.addr)
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Settings for tests: defaults, with a body limit small enough to test cheaply.
pub fn settings() -> Settings {
    Settings {
        max_body_bytes: 256 * 1024,
        ..Settings::default()
    }
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    /// The body as JSON (`Null` when it is not JSON).
    pub json: Value,
}

impl Reply {
    /// The error's `code`, if the body is an API error.
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }
    /// The error's `field`, if any.
    pub fn field(&self) -> Option<&str> {
        self.json["field"].as_str()
    }
}

/// What no answer may contain: internals of the database, the code, or the machine.
const LEAKS: &[&str] = &[
    "SQL", "sqlx", "panicked", ".rs:", "/tmp/", "/home/", "/work/", "crates/",
];

/// The text with the payloads of base64 data URLs left out: an HTML report embeds its font
/// that way, and encoded bytes spell `SQL` or `.rs:` by chance, which is no leak.
fn without_base64(text: &str) -> String {
    const MARK: &str = ";base64,";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(MARK) {
        let after = &rest[i + MARK.len()..];
        out.push_str(&rest[..i + MARK.len()]);
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// A client: anonymous, signed in with a session (cookie + CSRF token), or with an API token.
#[derive(Debug, Clone)]
pub struct Client {
    pub addr: SocketAddr,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
    /// Extra headers sent with every request.
    pub headers: Vec<(String, String)>,
    /// The address requests come from (another loopback address, say `127.0.0.2`, is another
    /// computer to the server); none: the system's choice.
    pub source: Option<std::net::IpAddr>,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            addr,
            cookie: None,
            csrf: None,
            bearer: None,
            headers: Vec::new(),
            source: None,
        }
    }

    /// The same client, sending from `source`.
    pub fn from(&self, source: &str) -> Client {
        Client {
            source: Some(source.parse().unwrap()),
            ..self.clone()
        }
    }

    /// The same client on another server (a session is valid on every instance).
    pub fn on(&self, addr: SocketAddr) -> Client {
        Client {
            addr,
            ..self.clone()
        }
    }

    /// A client using an API token.
    pub fn with_token(addr: SocketAddr, token: &str) -> Client {
        Client {
            bearer: Some(token.to_string()),
            ..Client::new(addr)
        }
    }

    /// Signs in; returns the answer and, when it succeeded, a client holding the session.
    pub async fn sign_in(addr: SocketAddr, username: &str, password: &str) -> (Reply, Client) {
        Client::new(addr).sign_in_here(username, password).await
    }

    /// Signs in from this client's address ([`Client::from`]); as [`Client::sign_in`].
    pub async fn sign_in_here(&self, username: &str, password: &str) -> (Reply, Client) {
        let anonymous = Client {
            cookie: None,
            csrf: None,
            bearer: None,
            ..self.clone()
        };
        let reply = anonymous
            .send(
                Method::POST,
                "/api/v1/session",
                Some(serde_json::json!({ "username": username, "password": password })),
            )
            .await;
        let mut client = anonymous;
        if reply.status == 200 {
            let set = reply
                .headers
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .expect("a session cookie");
            client.cookie = Some(set.split(';').next().unwrap().to_string());
            client.csrf = reply.json["csrf_token"].as_str().map(str::to_string);
        }
        (reply, client)
    }

    /// Signs in and panics unless it worked.
    pub async fn signed_in(addr: SocketAddr, username: &str, password: &str) -> Client {
        let (reply, client) = Client::sign_in(addr, username, password).await;
        assert_eq!(reply.status, 200, "sign in as {username}: {}", reply.text);
        client
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PUT, path, Some(body)).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PATCH, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }

    /// Sends JSON (or nothing) with the client's credentials.
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let bytes = body.map(|b| serde_json::to_vec(&b).unwrap());
        let content_type = bytes.as_ref().map(|_| "application/json");
        self.raw(method, path, content_type, bytes.unwrap_or_default(), &[])
            .await
    }

    /// Sends any bytes, with the client's credentials and the given extra headers.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let stream = match self.source {
            None => TcpStream::connect(self.addr).await.unwrap(),
            Some(ip) => {
                let socket = tokio::net::TcpSocket::new_v4().unwrap();
                socket.bind(std::net::SocketAddr::new(ip, 0)).unwrap();
                socket.connect(self.addr).await.unwrap()
            }
        };
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let mut req = Request::builder()
            .method(method.clone())
            .uri(path)
            .header("host", self.addr.to_string());
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        if let (Some(t), true) = (&self.csrf, unsafe_method) {
            req = req.header("x-csrf-token", t);
        }
        if let Some(b) = &self.bearer {
            req = req.header("authorization", format!("Bearer {b}"));
        }
        for (k, v) in self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())) {
            req = req.header(k, v);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let req = req.body(Full::new(Bytes::from(body))).unwrap();
        let res = sender.send_request(req).await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        // A binary body (the font) is not text a person reads; every other answer is checked.
        let binary = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("font/"));
        let readable = without_base64(&text);
        for leak in LEAKS.iter().filter(|_| !binary) {
            assert!(
                !readable.contains(leak),
                "{method} {path} answered {status} with `{leak}` in it: {text}"
            );
        }
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            json,
        }
    }
}

/// Asserts a status, showing the body when it differs.
#[track_caller]
pub fn expect(reply: &Reply, status: u16, what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.text);
}
