//! The routes of the dev server, its bearer check, and the validation of heartbeat bodies.
//! Every response, errors included, is JSON; errors are `{"message": …, "field": …}`.

use super::store::{Heartbeat, ListFilter, Store};
use crate::api::models::{json_kind, validate_percent};
use crate::secret::Secret;
use crate::status::AgentStatus;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use http_body_util::BodyExt;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The largest heartbeat body accepted; larger gets a 413.
pub const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;

/// Where the dev server reports each request (method, path, status, time), e.g. `-v` lines.
pub type RequestLog = Arc<dyn Fn(&str) + Send + Sync>;

/// An error response: a status and `{"message": …, "field": …}` (`field` is `null` when the
/// error is not about one field).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorBody {
    pub status: StatusCode,
    pub message: String,
    pub field: Option<String>,
}

impl ErrorBody {
    fn new(status: StatusCode, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            status,
            message: message.into(),
            field: None,
        }
    }

    fn field(field: &str, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }
}

impl IntoResponse for ErrorBody {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            message: &'a str,
            field: Option<&'a str>,
        }
        let body = Body {
            message: &self.message,
            field: self.field.as_deref(),
        };
        let mut response = json_response(self.status, &body);
        if matches!(
            self.status,
            StatusCode::PAYLOAD_TOO_LARGE | StatusCode::REQUEST_TIMEOUT
        ) {
            // The rest of the body is never read, so the connection cannot carry another
            // request: say so, or a client's pool reuses it and its next request fails.
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                HeaderValue::from_static("close"),
            );
        }
        response
    }
}

fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    json_bytes(
        status,
        serde_json::to_vec(value).expect("responses always serialize"),
    )
}

fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        bytes,
    )
        .into_response()
}

/// What every handler shares: the store.
pub struct Shared {
    pub store: Arc<Store>,
}

type AppState = Arc<Shared>;

/// The dev server's routes, every one behind the bearer check, and each request logged when
/// there is a log.
///
/// From the outside in: the log, the bearer check (first, so nothing is answered without the
/// token, the 404, 405 and 413 ones included), JSON bodies for the layers' own answers, then
/// tower-http's request timeout (the body must arrive within `body_read_timeout`: 408) and
/// body limit (over `MAX_REQUEST_BODY_BYTES`: 413, by `Content-Length` before reading or while
/// reading when the length is not declared).
pub fn router(
    store: Arc<Store>,
    token: Secret,
    log: Option<RequestLog>,
    body_read_timeout: std::time::Duration,
) -> Router {
    let router = Router::new()
        .route("/api/v1/agents", get(list_agents))
        .route("/api/v1/agents/{uuid}", get(show_agent))
        .route("/api/v1/agents/{uuid}/heartbeat", put(heartbeat))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(Arc::new(Shared { store }))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            body_read_timeout,
        ))
        .layer(middleware::map_response_with_state(
            body_read_timeout,
            json_for_layer_answers,
        ))
        .layer(middleware::from_fn_with_state(Arc::new(token), authorize));
    match log {
        Some(log) => router.layer(middleware::from_fn_with_state(log, log_request)),
        None => router,
    }
}

/// `PUT /api/v1/agents/x/heartbeat 200 0.1 ms`; the path as received, sanitized.
async fn log_request(State(log): State<RequestLog>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let line = format!(
        "{} {}",
        request.method(),
        crate::sanitize::sanitize(request.uri().path())
    );
    let response = next.run(request).await;
    log(&format!(
        "{line} {} {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    ));
    response
}

/// Lets through only requests that carry `Authorization: Bearer <the server's token>`.
async fn authorize(State(token): State<Arc<Secret>>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| bearer_token(value.as_bytes()));
    match presented {
        Some(presented) if constant_time_eq(presented, token.expose().as_bytes()) => {
            next.run(request).await
        }
        Some(_) => unauthorized(
            "the bearer token is not valid for this server",
            "Bearer realm=\"agentctl dev-server\", error=\"invalid_token\"",
        ),
        None => unauthorized(
            "a bearer token is required: send 'Authorization: Bearer <token>'",
            "Bearer realm=\"agentctl dev-server\"",
        ),
    }
}

/// The 413 of the body limit (plain text) and the 408 of the timeout (empty) become the JSON
/// errors every other answer is; the handlers' own answers are JSON already and pass as they are.
async fn json_for_layer_answers(
    State(body_read_timeout): State<std::time::Duration>,
    response: Response,
) -> Response {
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE if !is_json => body_too_large().into_response(),
        StatusCode::REQUEST_TIMEOUT if !is_json => ErrorBody {
            status: StatusCode::REQUEST_TIMEOUT,
            message: format!(
                "the body did not arrive within {}",
                crate::duration::format_duration(body_read_timeout)
            ),
            field: Some("body".to_owned()),
        }
        .into_response(),
        _ => response,
    }
}

fn body_too_large() -> ErrorBody {
    ErrorBody {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        message: format!(
            "the body is larger than {} KiB; a heartbeat is a small JSON object",
            MAX_REQUEST_BODY_BYTES / 1024
        ),
        field: Some("body".to_owned()),
    }
}

/// The token of an `Authorization` value whose scheme is `Bearer` (in any case).
fn bearer_token(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    if !scheme.eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    let token = rest.trim_ascii();
    (!token.is_empty()).then_some(token)
}

/// Compares without stopping at the first difference (`subtle`), so the time taken does not
/// tell how much of a guess was right (only whether its length was).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

fn unauthorized(message: &str, challenge: &'static str) -> Response {
    let mut response = ErrorBody::new(StatusCode::UNAUTHORIZED, message).into_response();
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

async fn not_found() -> ErrorBody {
    ErrorBody::new(
        StatusCode::NOT_FOUND,
        "no such route; the API serves PUT /api/v1/agents/{uuid}/heartbeat, \
         GET /api/v1/agents/{uuid} and GET /api/v1/agents",
    )
}

async fn method_not_allowed() -> ErrorBody {
    ErrorBody::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this route (see the Allow header)",
    )
}

/// The most characters of an agent id or a version (the OpenAPI document's `maxLength`,
/// which counts characters; the client's own limit is 256 bytes).
pub const MAX_TEXT_CHARS: usize = 256;

/// The agent id from the path: not empty, `.` or `..`, no `/` or control character, at most
/// `MAX_TEXT_CHARS` characters (what `api/openapi.yaml` says).
fn agent_id(path: Result<Path<String>, PathRejection>) -> Result<String, ErrorBody> {
    let Path(id) = path.map_err(|_| ErrorBody::field("uuid", "is not valid UTF-8"))?;
    let shown = || crate::sanitize::sanitize(&id);
    let problem = if id.is_empty() {
        Some("the agent id is empty".to_owned())
    } else if id == "." || id == ".." {
        Some(format!("'{id}' is not an agent id"))
    } else if id.contains('/') {
        Some(format!("'{}' contains '/'", shown()))
    } else if id.chars().any(char::is_control) {
        Some(format!("'{}' contains a control character", shown()))
    } else if id.chars().count() > MAX_TEXT_CHARS {
        Some(format!(
            "the agent id is longer than {MAX_TEXT_CHARS} characters"
        ))
    } else {
        None
    };
    match problem {
        Some(problem) => Err(ErrorBody::field("uuid", problem)),
        None => Ok(id),
    }
}

/// `PUT /api/v1/agents/{uuid}/heartbeat`: validates the whole body before touching the store,
/// so a rejected request changes nothing.
async fn heartbeat(
    State(shared): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Result<Response, ErrorBody> {
    let id = agent_id(path)?;
    let bytes = read_body(request.into_body()).await?;
    let heartbeat = parse_heartbeat(&bytes)?;
    let store = &shared.store;
    // The answer is rendered under the shard lock, from the record in place: no copy of it.
    let json = store
        .heartbeat_with(&id, &heartbeat, |record, now| {
            serde_json::to_vec(&record.view(now, &store.thresholds))
                .expect("records always serialize")
        })
        .map_err(|full| {
            ErrorBody::new(
                StatusCode::INSUFFICIENT_STORAGE,
                format!(
                    "the dev server holds its limit of {} agents (--max-agents); \
                     the agents it has keep working",
                    full.max_agents
                ),
            )
        })?;
    Ok(json_bytes(StatusCode::OK, json))
}

/// Reads the body the limit layer bounds: going over `MAX_REQUEST_BODY_BYTES` while reading
/// (a body whose length is not declared) is a 413.
async fn read_body(body: Body) -> Result<Bytes, ErrorBody> {
    match body.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) => {
            let err = err.into_inner();
            if err.is::<http_body_util::LengthLimitError>() {
                Err(body_too_large())
            } else {
                Err(ErrorBody::new(
                    StatusCode::BAD_REQUEST,
                    format!("the body could not be read: {err}"),
                ))
            }
        }
    }
}

/// The seed's request example is the shape: `{"version":"1.2.3","uptime":86400,
/// "cpuUsage":12.5,"memUsage":35.2}`. `uptime` is a JSON integer ≥ 0, the usages JSON numbers
/// within 0–100, `version` a non-empty string. Fields beyond these four are ignored.
pub fn parse_heartbeat(bytes: &[u8]) -> Result<Heartbeat, ErrorBody> {
    // The usual case, a well-formed object with the four fields, is read straight into a
    // struct; anything else is read again as a generic value to say exactly what is wrong.
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Fields {
        version: Option<Value>,
        uptime: Option<Value>,
        cpu_usage: Option<Value>,
        mem_usage: Option<Value>,
    }
    if let Ok(Fields {
        version: Some(version),
        uptime: Some(uptime),
        cpu_usage: Some(cpu_usage),
        mem_usage: Some(mem_usage),
    }) = serde_json::from_slice::<Fields>(bytes)
    {
        let fields = [version, uptime, cpu_usage, mem_usage];
        return check_heartbeat(|name| {
            let index = HEARTBEAT_FIELDS.iter().position(|f| *f == name);
            Ok(&fields[index.expect("one of the four fields")])
        });
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|err| ErrorBody::field("body", format!("the body is not valid JSON: {err}")))?;
    let Value::Object(object) = value else {
        return Err(ErrorBody::field(
            "body",
            format!("the body must be a JSON object, not {}", json_kind(&value)),
        ));
    };
    check_heartbeat(|name| match object.get(name) {
        None => Err(ErrorBody::field(name, format!("{name} is missing"))),
        Some(value) => Ok(value),
    })
}

/// The largest `uptime`: int64's.
pub const MAX_UPTIME: u64 = i64::MAX as u64;

const HEARTBEAT_FIELDS: [&str; 4] = ["version", "uptime", "cpuUsage", "memUsage"];

/// Checks the four fields in order, each looked up by `lookup` (which reports a missing one).
fn check_heartbeat<'a>(
    lookup: impl Fn(&str) -> Result<&'a Value, ErrorBody>,
) -> Result<Heartbeat, ErrorBody> {
    let field = |name: &str| match lookup(name)? {
        Value::Null => Err(ErrorBody::field(name, format!("{name} must not be null"))),
        value => Ok(value),
    };
    let wrong_type = |name: &str, expected: &str, value: &Value| {
        ErrorBody::field(
            name,
            format!("{name} must be {expected}, not {}", json_kind(value)),
        )
    };

    let version = match field("version")? {
        Value::String(version) => version,
        other => return Err(wrong_type("version", "a string", other)),
    };
    if version.trim().is_empty() {
        return Err(ErrorBody::field(
            "version",
            "version must not be empty or blank",
        ));
    }
    if version.chars().any(char::is_control) {
        return Err(ErrorBody::field(
            "version",
            "version must not contain control characters",
        ));
    }
    if version.chars().count() > MAX_TEXT_CHARS {
        return Err(ErrorBody::field(
            "version",
            format!("version is longer than {MAX_TEXT_CHARS} characters"),
        ));
    }

    // An integer from 0 to 2^63-1 (int64, as documented); an integral number written with a
    // fraction or exponent (`5.0`, `1e3`) is that integer, as JSON Schema counts it.
    let uptime = match field("uptime")? {
        Value::Number(number) => {
            let integral = number.as_u64().or_else(|| {
                number
                    .as_f64()
                    .filter(|n| n.is_finite() && n.fract() == 0.0 && *n >= 0.0)
                    .filter(|n| *n < 9_223_372_036_854_775_808.0)
                    .map(|n| n as u64)
            });
            match integral {
                Some(uptime) if uptime <= MAX_UPTIME => uptime,
                _ if number.as_f64().is_some_and(|n| n < 0.0) => {
                    return Err(ErrorBody::field(
                        "uptime",
                        format!("uptime must be 0 or more, not {number}"),
                    ));
                }
                _ if number.as_f64().is_some_and(|n| n.fract() == 0.0) => {
                    return Err(ErrorBody::field(
                        "uptime",
                        format!("uptime must be at most {MAX_UPTIME}, not {number}"),
                    ));
                }
                _ => {
                    return Err(ErrorBody::field(
                        "uptime",
                        format!("uptime must be a whole number of seconds, not {number}"),
                    ));
                }
            }
        }
        other => return Err(wrong_type("uptime", "an integer (seconds)", other)),
    };

    let percent = |name: &str| -> Result<f64, ErrorBody> {
        match field(name)? {
            Value::Number(number) => {
                let value = number.as_f64().unwrap_or(f64::NAN);
                validate_percent(value).map_err(|_| {
                    ErrorBody::field(name, format!("{name} must be within 0–100, not {number}"))
                })
            }
            other => Err(wrong_type(name, "a number (0–100)", other)),
        }
    };
    let cpu_usage = percent("cpuUsage")?;
    let mem_usage = percent("memUsage")?;
    Ok(Heartbeat {
        version: version.clone(),
        uptime,
        cpu_usage,
        mem_usage,
    })
}

/// `GET /api/v1/agents/{uuid}`.
async fn show_agent(
    State(shared): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ErrorBody> {
    let id = agent_id(path)?;
    let store = &shared.store;
    let now = store.status_time();
    match store.get(&id) {
        Some(record) => Ok(json_response(
            StatusCode::OK,
            &record.view(now, &store.thresholds),
        )),
        None => Err(ErrorBody::new(
            StatusCode::NOT_FOUND,
            format!(
                "no agent '{}'; a heartbeat registers one",
                crate::sanitize::sanitize(&id)
            ),
        )),
    }
}

/// The page size the dev server serves when the query names no `pageSize` (a client asks for
/// its own, `--page-size`, 500 by default).
pub const DEFAULT_SERVED_PAGE_SIZE: usize = 100;
/// The largest page; a larger `pageSize` is served as this many records.
pub const MAX_SERVED_PAGE_SIZE: usize = 1000;

/// `GET /api/v1/agents[?page=…&pageSize=…&status=…&type=…&region=…]`: `{"items": [one page of
/// records, sorted by uuid], "total": N, "page": P, "pageSize": S}`, where `total` counts every
/// record that matches the filters and `pageSize` is the size served (capped). Unknown query
/// parameters are ignored.
async fn list_agents(
    State(shared): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ErrorBody> {
    let store = &shared.store;
    let query = list_query(query.as_deref().unwrap_or(""))?;
    let now = store.status_time();
    let offset = (query.page - 1).saturating_mul(query.page_size as u64);
    let offset = usize::try_from(offset).unwrap_or(usize::MAX);
    // Written straight into the body: one record at a time, no tree of the page.
    let mut body = Vec::with_capacity(64 + query.page_size.min(64) * 400);
    body.extend_from_slice(b"{\"items\":[");
    let mut first = true;
    let total = store.page(&query.filter, now, offset, query.page_size, |record| {
        if !std::mem::take(&mut first) {
            body.push(b',');
        }
        serde_json::to_writer(&mut body, &record.view(now, &store.thresholds))
            .expect("records always serialize");
    });
    body.extend_from_slice(
        format!(
            "],\"total\":{total},\"page\":{},\"pageSize\":{}}}",
            query.page, query.page_size
        )
        .as_bytes(),
    );
    Ok(json_bytes(StatusCode::OK, body))
}

/// What a listing asks for.
#[derive(Debug, Clone, PartialEq)]
struct ListQuery {
    filter: ListFilter,
    /// From 1.
    page: u64,
    /// 1 to `MAX_SERVED_PAGE_SIZE`.
    page_size: usize,
}

/// The largest `page` or `pageSize` accepted (the OpenAPI document's int64 range).
const MAX_QUERY_INTEGER: u64 = i64::MAX as u64;

fn list_query(query: &str) -> Result<ListQuery, ErrorBody> {
    let mut filter = ListFilter::default();
    let mut page = 1;
    let mut page_size = DEFAULT_SERVED_PAGE_SIZE as u64;
    let integer = |name: &str, value: &str| -> Result<u64, ErrorBody> {
        match value.parse::<u64>() {
            Ok(n) if (1..=MAX_QUERY_INTEGER).contains(&n) => Ok(n),
            _ => Err(ErrorBody::field(
                name,
                format!(
                    "{name} must be a whole number from 1 to {MAX_QUERY_INTEGER}, not '{}'",
                    crate::sanitize::sanitize(value)
                ),
            )),
        }
    };
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "status" => {
                filter.status = Some(AgentStatus::from_api(&value).ok_or_else(|| {
                    ErrorBody::field(
                        "status",
                        format!(
                            "status must be online, delayed or offline, not '{}'",
                            crate::sanitize::sanitize(&value)
                        ),
                    )
                })?);
            }
            "type" => filter.agent_type = Some(value.into_owned()),
            "region" => filter.region = Some(value.into_owned()),
            "page" => page = integer("page", &value)?,
            "pageSize" => page_size = integer("pageSize", &value)?,
            _ => {}
        }
    }
    Ok(ListQuery {
        filter,
        page,
        page_size: page_size.min(MAX_SERVED_PAGE_SIZE as u64) as usize,
    })
}

#[cfg(test)]
#[path = "handlers_tests.rs"]
mod tests;
