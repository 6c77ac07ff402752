//! The dev server: a local, in-memory implementation of the Agents API (contract §5), usable
//! in-process (`demo`, tests) as well as from `agentctl dev-server`.
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use agentctl::dev_server::{DevServerConfig, start};
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let server = start(listener, DevServerConfig::new("a-token")).await?;
//! println!("{}", server.base_url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod handlers;
pub mod seed;
pub mod serve;
pub mod store;
mod thresholds;

pub use crate::clock::Clock;
pub use handlers::{MAX_REQUEST_BODY_BYTES, RequestLog};
pub use thresholds::{DEFAULT_DELAYED_AFTER, DEFAULT_OFFLINE_AFTER, Thresholds};

use crate::secret::Secret;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use store::{AgentRecord, Store};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A fresh random token, `dev_` and 64 hex digits, from the operating system's CSPRNG.
pub fn random_token() -> Result<crate::secret::Secret, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(crate::secret::Secret::new(format!("dev_{hex}")))
}

/// Everything the dev server needs to start.
pub struct DevServerConfig {
    /// The bearer token every request must carry.
    pub token: Secret,
    pub thresholds: Thresholds,
    /// Records loaded before the first request (`--seed`).
    pub seed: Vec<AgentRecord>,
    pub clock: Clock,
    /// A line per request, when set.
    pub request_log: Option<RequestLog>,
    /// The most agents the store holds (`--max-agents`); the seed counts.
    pub max_agents: usize,
    /// Connection cap and timeouts (the cap is lowered to what the open-file limit allows).
    pub limits: serve::Limits,
}

impl DevServerConfig {
    /// Default thresholds, no seed, the system clock.
    pub fn new(token: impl Into<String>) -> DevServerConfig {
        DevServerConfig {
            token: Secret::new(token),
            thresholds: Thresholds::default(),
            seed: Vec::new(),
            clock: Clock::system(),
            request_log: None,
            max_agents: store::DEFAULT_MAX_AGENTS,
            limits: serve::Limits::default(),
        }
    }
}

/// A running dev server. `shutdown` stops it gracefully and waits until it is gone; dropping
/// the handle starts the same graceful shutdown without waiting.
pub struct DevServerHandle {
    local_addr: SocketAddr,
    token: Secret,
    store: Arc<Store>,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
    max_connections: usize,
}

/// How long a graceful shutdown waits for requests in flight before it drops them.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl DevServerHandle {
    /// The address the server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The base URL to give clients (`http://127.0.0.1:PORT`). An unspecified bind address
    /// (`0.0.0.0`, `::`) is given as loopback, which is reachable from this machine.
    pub fn base_url(&self) -> String {
        let mut addr = self.local_addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(if addr.is_ipv4() {
                std::net::Ipv4Addr::LOCALHOST.into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        format!("http://{addr}")
    }

    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// The connection cap in force (the one asked for, or less when the open-file limit
    /// does not allow it).
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }

    /// How many agents the server holds.
    pub fn agent_count(&self) -> usize {
        self.store.len()
    }

    /// Stops accepting connections, lets requests in flight finish (up to `SHUTDOWN_GRACE`),
    /// and returns once the server is gone.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

/// Starts serving on `listener` in a task of the current runtime and returns at once.
pub async fn start(
    listener: tokio::net::TcpListener,
    config: DevServerConfig,
) -> std::io::Result<DevServerHandle> {
    let local_addr = listener.local_addr()?;
    let store = Arc::new(Store::with_max_agents(
        config.thresholds,
        config.clock,
        config.max_agents,
    ));
    for record in config.seed {
        store.insert(record).map_err(|full| {
            std::io::Error::other(format!(
                "the seed holds more agents than --max-agents ({})",
                full.max_agents
            ))
        })?;
    }
    let limits = serve::Limits {
        max_connections: serve::effective_max_connections(config.limits.max_connections),
        ..config.limits
    };
    let router = handlers::router(
        store.clone(),
        config.token.clone(),
        config.request_log,
        limits.body_read_timeout,
    );
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(serve::serve(listener, router, limits, stopped));
    Ok(DevServerHandle {
        local_addr,
        token: config.token,
        store,
        stop,
        task,
        max_connections: limits.max_connections,
    })
}
