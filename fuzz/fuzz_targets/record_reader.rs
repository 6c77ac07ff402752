//! Any bytes a server sends as an agent or a list: reading, rendering as a table and the
//! sanitizer must never panic, and no control character may reach the table. Every record
//! read also builds its JSON value (`-o json`, `--jq`) and goes through redaction (a `\u`
//! escape sends it there): a record nested past serde_json's limit must be refused where it
//! is read, not panic here.
#![no_main]

use agentctl::output::{OutputFormat, OutputOptions, agents_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let options = OutputOptions { color: true, ..OutputOptions::new(OutputFormat::Wide, std::time::SystemTime::UNIX_EPOCH) };
    let mut agents = Vec::new();
    if let Ok(agent) = agentctl::api::read_agent(body, "fuzz", None) {
        agents.push(agent);
    }
    if let Ok(list) = agentctl::api::read_agent_list(body, "fuzz", None) {
        agents.extend(list);
    }
    if agents.is_empty() {
        return;
    }
    for agent in &agents {
        let _ = agent.to_value();
        let _ = agent.clone().redacted("tok-5ecr3t-9f8e7d6c");
        let _ = agent.labels();
    }
    let mut plain = options.clone();
    plain.color = false;
    let table = agents_table(&agents, true, &plain);
    assert!(!table.chars().any(|c| c.is_control() && c != '\n'), "control character in {table:?}");
    let _ = agents_table(&agents, true, &options);
});
