//! The dev server in this process, on 127.0.0.1:0 and its own runtime, with a clock the test
//! moves (so status changes need no sleeping); and raw HTTP calls to it.

use super::TOKEN;
use agentctl::clock::Clock;
use agentctl::dev_server::{DevServerConfig, DevServerHandle, start};
use serde_json::Value;
use std::time::{Duration, UNIX_EPOCH};

/// 2026-01-15T08:00:00Z, the seed's example time: where the clock of [`Dev`] starts.
pub const START_SECS: u64 = 1_768_464_000;

/// A dev server in this process, on its own runtime, with a clock the test moves; shut down
/// when dropped.
pub struct Dev {
    pub runtime: tokio::runtime::Runtime,
    server: Option<DevServerHandle>,
    /// Frozen at `START_SECS`; `advance` lets time pass, `set_time_of_day` steps the wall clock.
    pub clock: Clock,
    pub url: String,
    pub http: reqwest::Client,
}

/// A response as the test sees it.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
}

impl Dev {
    /// With the test token and the default settings.
    pub fn start() -> Dev {
        Dev::start_with(|_| {})
    }

    /// With the test token, the clock of the test, and what `adjust` changes.
    pub fn start_with(adjust: impl FnOnce(&mut DevServerConfig)) -> Dev {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let clock = Clock::frozen_at(UNIX_EPOCH + Duration::from_secs(START_SECS));
        let mut config = DevServerConfig::new(TOKEN);
        config.clock = clock.clone();
        adjust(&mut config);
        let server = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            start(listener, config).await.unwrap()
        });
        let url = server.base_url();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Dev {
            runtime,
            server: Some(server),
            clock,
            url,
            http: http_client(),
        }
    }

    pub fn server(&self) -> &DevServerHandle {
        self.server.as_ref().unwrap()
    }

    /// One request; `token` None sends no Authorization header.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&[u8]>,
    ) -> Response {
        self.runtime
            .block_on(send(&self.http, &self.url, method, path, token, body))
    }

    pub fn get(&self, path: &str) -> Response {
        self.call("GET", path, Some(TOKEN), None)
    }

    pub fn put_heartbeat(&self, id: &str, body: &[u8]) -> Response {
        self.call(
            "PUT",
            &format!("/api/v1/agents/{id}/heartbeat"),
            Some(TOKEN),
            Some(body),
        )
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}

/// A client for raw calls: no proxy, no system roots (loopback, plain HTTP).
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .tls_certs_only(Vec::new())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// One raw call; every answer of the dev server must be JSON.
pub async fn send(
    http: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> Response {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = http.request(method, format!("{base}{path}"));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_vec());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    assert_eq!(
        headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned()),
        Some("application/json".to_owned()),
        "every answer is JSON: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|err| panic!("{status}: not JSON ({err}): {bytes:?}"));
    Response {
        status,
        headers,
        json,
    }
}
