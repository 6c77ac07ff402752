//! The seed file (`dev-server --seed`): a JSON array of agent records, read into the
//! store's records before the first request.

use super::store::AgentRecord;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::SystemTime;

/// Reads a seed file's text: a JSON array of records with the seed's response fields. Only
/// `uuid` is required; `name` defaults to the id, `createDate` to `now`, `lastOpDate` to
/// `createDate`, `labels` to `{}` (a string holding an object, or an object). `status` is
/// ignored: it is computed from `lastHeartbeatAt`. The error names the record and field.
pub fn parse_seed(text: &[u8], now: SystemTime) -> Result<Vec<AgentRecord>, String> {
    let value: Value =
        serde_json::from_slice(text).map_err(|err| format!("not valid JSON: {err}"))?;
    let Value::Array(items) = value else {
        return Err(format!(
            "expected a JSON array of agent records, got {}",
            crate::api::models::json_kind(&value)
        ));
    };
    let mut seen = std::collections::HashSet::new();
    let mut records = Vec::with_capacity(items.len());
    // Records are counted from 1, as a person counts them in the file.
    for (number, item) in (1..).zip(items) {
        let Value::Object(object) = item else {
            return Err(format!("record {number}: expected an object"));
        };
        let record = seed_record(&object, now).map_err(|err| format!("record {number}: {err}"))?;
        if !seen.insert(record.uuid.clone()) {
            return Err(format!(
                "record {number}: uuid '{}' appears twice",
                crate::sanitize::sanitize(&record.uuid)
            ));
        }
        records.push(record);
    }
    Ok(records)
}

fn seed_record(object: &Map<String, Value>, now: SystemTime) -> Result<AgentRecord, String> {
    let text = |field: &str| -> Result<Option<String>, String> {
        match object.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{field} must be a string")),
        }
    };
    let time = |field: &str| -> Result<Option<SystemTime>, String> {
        match object.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => crate::api::models::parse_timestamp(value)
                .map(Some)
                .ok_or_else(|| format!("{field} is not an RFC 3339 time")),
        }
    };
    let number = |field: &str| -> Result<Option<f64>, String> {
        match object.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_f64()
                .map(Some)
                .ok_or_else(|| format!("{field} must be a number")),
        }
    };
    let uuid: String = text("uuid")?.ok_or("uuid is missing")?;
    crate::api::AgentId::parse(&uuid).map_err(|err| format!("uuid: {err}"))?;
    let labels = match object.get("labels") {
        None | Some(Value::Null) => "{}".to_owned(),
        Some(Value::Object(labels)) => Value::Object(labels.clone()).to_string(),
        Some(Value::String(labels)) => match serde_json::from_str::<Value>(labels) {
            Ok(Value::Object(_)) => labels.clone(),
            _ => return Err("labels must be a JSON object, or a string holding one".into()),
        },
        Some(_) => return Err("labels must be a JSON object, or a string holding one".into()),
    };
    let uptime = match object.get("uptime") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_u64()
                .ok_or("uptime must be a whole number of seconds, 0 or more")?,
        ),
    };
    let create_date = time("createDate")?.unwrap_or(now);
    Ok(AgentRecord {
        name: text("name")?.unwrap_or_else(|| uuid.clone()),
        agent_type: text("type")?,
        version: text("version")?,
        endpoint: text("endpoint")?,
        platform_id: text("platformId")?,
        region: text("region")?,
        labels,
        last_heartbeat_at: time("lastHeartbeatAt")?,
        heard_at: None,
        create_date,
        last_op_date: time("lastOpDate")?.unwrap_or(create_date),
        uptime,
        cpu_usage: number("cpuUsage")?,
        mem_usage: number("memUsage")?,
        uuid: Arc::from(uuid),
    })
}

#[cfg(test)]
#[path = "seed_tests.rs"]
mod tests;
