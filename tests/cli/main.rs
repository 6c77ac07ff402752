//! The one integration test binary: drives the real `agentctl` binary over loopback.

mod common;

mod agent_show;
mod errors;
mod heartbeat_every;
mod heartbeat_send;
mod simulate;
