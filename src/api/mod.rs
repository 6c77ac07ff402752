//! The only code that speaks HTTP: the client (auth, retries, timeouts, limits), the wire
//! models and the typed API error.

mod beats;
mod client;
mod decode;
pub mod error;
mod http1;
pub mod ids;
pub mod models;
mod pages;
mod proxy;
mod record;
mod tls;
mod transport;

pub use beats::HeartbeatSender;
pub use client::{ApiClient, ApiResult, ClientOptions, HeartbeatTarget, USER_AGENT, agents_url};
pub use decode::{read_agent, read_agent_list};
pub use error::{ApiError, Failure};
pub use ids::AgentId;
pub use models::{Agent, HeartbeatRequest};
pub use pages::{DEFAULT_PAGE_SIZE, ListRequest};
pub use proxy::ProxyConfig;
