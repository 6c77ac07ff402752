//! The one integration test binary: drives the real `agentctl` binary over loopback.

mod common;

mod agent_show;
mod dev_server;
mod errors;
mod heartbeat_send;
