//! The only code that speaks HTTP: the client (auth, retries, timeouts, limits), the wire
//! models and the mapping of responses to errors.

mod client;
mod errors;
pub mod ids;
pub mod models;

pub use client::{
    ApiClient, ClientOptions, HeartbeatTarget, USER_AGENT, agents_url, read_agent, read_agent_list,
};
pub use ids::AgentId;
pub use models::{Agent, HeartbeatRequest};
