//! The one integration test binary: drives the real `agentctl` binary over loopback.

#![forbid(unsafe_code)]

mod common;

mod agent_list;
mod agent_show;
mod assets;
mod auth;
mod auth_login;
mod auth_terminal;
mod config;
mod config_pair;
mod demo;
mod dev_server;
mod errors;
mod heartbeat_every;
mod heartbeat_send;
mod hostile;
mod hostile_client;
mod hostile_files;
mod jq;
mod jq_forms;
mod jq_parity;
mod json_terminal;
mod paging;
mod profile_names;
mod readme;
mod readme_scripting;
mod redaction;
mod seams;
mod security;
mod signals;
mod simulate;
mod simulate_runs;
mod simulate_shards;
mod simulate_wire;
mod snapshots;
mod status_values;
mod tls;
mod top;
mod top_terminal;
mod version;
mod watch;
mod watch_all;
mod watch_more;
