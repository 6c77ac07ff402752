//! The only code that speaks HTTP: the client (auth, retries, timeouts, limits), the request
//! description every sender writes, the wire models and the typed API error.

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
mod request;
mod reqwest_sender;
mod retry;
mod tls;
mod urls;

pub use beats::HeartbeatSender;
pub use client::{ApiClient, ApiResult, ClientOptions, HeartbeatTarget};
pub use decode::{read_agent, read_agent_list};
pub use error::{ApiError, Failure};
pub use ids::AgentId;
pub use models::HeartbeatRequest;
pub use pages::{DEFAULT_REQUESTED_PAGE_SIZE, ListRequest};
pub use proxy::ProxyConfig;
pub use record::Agent;
pub use request::{ClientHeaders, Request, USER_AGENT};
pub use retry::MAX_RESPONSE_BODY_BYTES;
pub use urls::{agents_url, is_loopback};
