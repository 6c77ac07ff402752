//! Whether a server accepts a token: one listing request (`GET …/api/v1/agents?page=1&pageSize=1`),
//! the cheapest call of the API that needs the token. `auth login` runs it before saving and
//! `auth status` to report on the token in use.

use crate::api::{ApiClient, ApiError, Failure};

/// The query of the check: the first page, one record.
pub const CHECK_QUERY: [(&str, &str); 2] = [("page", "1"), ("pageSize", "1")];

/// What the server said about the token.
#[derive(Debug)]
pub enum TokenCheck {
    /// The listing answered: the token is good.
    Accepted,
    /// HTTP 401 or 403.
    Refused(ApiError),
    /// The server answered without telling: no listing there (404/405), or a 2xx that is not a
    /// listing (a proxy's page, another API). The token may well be good.
    Unverifiable(ApiError),
    /// No answer worth the name: the network, TLS, a timeout, a 5xx, another 4xx, a redirect
    /// to another origin.
    Failed(ApiError),
}

impl TokenCheck {
    /// One line for people: `accepted`, `refused (HTTP 401 …)`, ….
    pub fn describe(&self) -> String {
        match self {
            TokenCheck::Accepted => "accepted by the server".to_owned(),
            TokenCheck::Refused(err) => format!("refused by the server ({})", err.detail),
            TokenCheck::Unverifiable(err) => format!("not checked: {}", unverifiable_reason(err)),
            TokenCheck::Failed(err) => format!("not checked: {}", err.detail),
        }
    }

    /// A stable word for JSON and scripts.
    pub fn label(&self) -> &'static str {
        match self {
            TokenCheck::Accepted => "accepted",
            TokenCheck::Refused(_) => "refused",
            TokenCheck::Unverifiable(_) => "unverifiable",
            TokenCheck::Failed(_) => "failed",
        }
    }
}

/// Why a check told nothing, in words.
pub fn unverifiable_reason(err: &ApiError) -> String {
    match err.failure {
        Failure::Status(404 | 405) => format!(
            "the server has no agent listing to check the token with ({})",
            err.detail
        ),
        _ => format!(
            "the server's answer to the listing is not a listing ({})",
            err.detail
        ),
    }
}

/// One listing request with the client's host and token.
pub async fn check_token(client: &ApiClient) -> TokenCheck {
    classify(client.list_agents(&CHECK_QUERY).await.map(drop))
}

fn classify(outcome: Result<(), ApiError>) -> TokenCheck {
    match outcome {
        Ok(()) => TokenCheck::Accepted,
        Err(err) => match err.failure {
            Failure::Status(401 | 403) => TokenCheck::Refused(err),
            Failure::Status(404 | 405) | Failure::Malformed => TokenCheck::Unverifiable(err),
            Failure::Status(_)
            | Failure::Timeout
            | Failure::Network
            | Failure::Tls
            | Failure::Redirect => TokenCheck::Failed(err),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failing(failure: Failure) -> TokenCheck {
        classify(Err(ApiError::new("agent list", failure, "x")))
    }

    #[test]
    fn outcomes_by_failure() {
        assert_eq!(classify(Ok(())).label(), "accepted");
        for (failure, label) in [
            (Failure::Status(401), "refused"),
            (Failure::Status(403), "refused"),
            (Failure::Status(404), "unverifiable"),
            (Failure::Status(405), "unverifiable"),
            (Failure::Malformed, "unverifiable"),
            (Failure::Status(500), "failed"),
            (Failure::Status(400), "failed"),
            (Failure::Network, "failed"),
            (Failure::Timeout, "failed"),
            (Failure::Tls, "failed"),
            (Failure::Redirect, "failed"),
        ] {
            assert_eq!(failing(failure).label(), label, "{failure:?}");
        }
    }
}
