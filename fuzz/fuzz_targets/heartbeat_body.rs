//! Any bytes as a `--body` file: the validator never panics, and what it accepts is a body
//! the contract allows.
#![no_main]

use agentctl::api::HeartbeatRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &[u8]| {
    if let Ok(body) = HeartbeatRequest::from_json(text) {
        assert!(body.validate().is_ok());
        assert!(body.cpu_usage.is_finite() && (0.0..=100.0).contains(&body.cpu_usage));
        assert!(body.mem_usage.is_finite() && (0.0..=100.0).contains(&body.mem_usage));
        assert!(!body.version.trim().is_empty());
        let json = serde_json_roundtrip(&body);
        assert_eq!(HeartbeatRequest::from_json(json.as_bytes()).ok(), Some(body));
    }
});

fn serde_json_roundtrip(body: &HeartbeatRequest) -> String {
    // The body agentctl would send must itself pass the validator.
    agentctl::api::models::heartbeat_json(body)
}
