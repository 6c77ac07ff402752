//! Watching agents: the poll loop and its bookkeeping, and the ways a watch is shown.
//! The `watch` command (commands/watch.rs) only validates its flags and picks a view.

pub mod exec;
pub mod handler_queue;
pub mod poller;
pub mod render;
pub mod state;

pub use poller::{Plan, Targets, watch};
