//! Errors as the API answers them: JSON with a stable `code`, a `message` a person can act on,
//! and the `field` at fault. Internals (SQL, causes) go to the log, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_app::AppError;
use mieruka_store::StoreError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("sign in first")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    /// Also answered for what exists but is not the caller's to see, so existence does not leak.
    #[error("not found")]
    NotFound,
    #[error("{reason}")]
    Invalid {
        field: Option<String>,
        reason: String,
    },
    #[error("{0}")]
    Conflict(String),
    /// Too many failed sign-ins: the seconds to wait (sent as `Retry-After`).
    #[error("too many failed sign-ins; try again in {0} seconds")]
    Throttled(u64),
    /// The server is already doing as much of this work as it allows at once.
    #[error("the server is busy with other simulations; try again in {retry_after} seconds")]
    Busy { retry_after: u64 },
    #[error("the request body is larger than this server accepts")]
    TooLarge,
    #[error("the request was refused as a possible cross-site request")]
    Csrf,
    /// Some rows of a batch are invalid; each is listed, and nothing was written.
    #[error("{message}")]
    InvalidRows {
        message: String,
        problems: Vec<RowProblem>,
    },
    /// No route has this path.
    #[error("there is no such API path; GET /api/v1/openapi.json lists them")]
    NoRoute,
    /// The path exists, but not with this method.
    #[error("this API path does not take this method; GET /api/v1/openapi.json lists them")]
    MethodNotAllowed,
    #[error("internal error")]
    Internal(String),
}

pub use mieruka_app::RowProblem;

/// Every error's body: a stable code, a message a person can act on, and the field at fault.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[schemars(rename = "Error")]
pub struct ErrorBody {
    #[schemars(extend("enum" = ["unauthenticated", "forbidden", "csrf", "not_found", "invalid",
        "invalid_rows", "conflict", "too_large", "throttled", "busy", "no_route",
        "method_not_allowed", "internal"]))]
    pub code: String,
    pub message: String,
    /// The request field at fault (a dotted path: `purpose.text`, `targets[0].value`), or null.
    pub field: Option<String>,
    /// With `invalid_rows`: every bad row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<RowProblem>>,
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            field: Some(field.into()),
            reason: reason.into(),
        }
    }

    pub(crate) fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Invalid { .. } => (StatusCode::BAD_REQUEST, "invalid"),
            ApiError::InvalidRows { .. } => (StatusCode::BAD_REQUEST, "invalid_rows"),
            ApiError::NoRoute => (StatusCode::NOT_FOUND, "no_route"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::Throttled(_) => (StatusCode::TOO_MANY_REQUESTS, "throttled"),
            ApiError::Busy { .. } => (StatusCode::TOO_MANY_REQUESTS, "busy"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Csrf => (StatusCode::FORBIDDEN, "csrf"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        if let ApiError::Internal(detail) = &self {
            eprintln!("internal error: {detail}");
        }
        let field = match &self {
            ApiError::Invalid { field, .. } => field.clone(),
            _ => None,
        };
        let body = ErrorBody {
            code: code.to_string(),
            message: self.to_string(),
            field,
            problems: match &self {
                ApiError::InvalidRows { problems, .. } => Some(problems.clone()),
                _ => None,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::Throttled(wait) | ApiError::Busy { retry_after: wait } = &self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, (*wait).into());
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound { .. } => ApiError::NotFound,
            StoreError::Conflict { .. } | StoreError::State { .. } => {
                ApiError::Conflict(e.to_string())
            }
            StoreError::Invalid { field, reason } => ApiError::Invalid {
                field: Some(field),
                reason,
            },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<AppError> for ApiError {
    /// The one mapping from a use case's failure to the API's answer.
    fn from(e: AppError) -> ApiError {
        match e {
            AppError::Store(s) => s.into(),
            AppError::Invalid { field, reason } => ApiError::Invalid {
                field: Some(field),
                reason,
            },
            AppError::Refused(reason) => ApiError::Invalid {
                field: None,
                reason,
            },
            AppError::InvalidRows { message, problems } => {
                ApiError::InvalidRows { message, problems }
            }
            AppError::NotFound(_) => ApiError::NotFound,
            AppError::Forbidden(message) => ApiError::Forbidden(message),
            AppError::Unauthenticated => ApiError::Unauthenticated,
            AppError::Throttled(wait) => ApiError::Throttled(wait),
            // The use case's message names the command line; the API names its own routes.
            AppError::NoLossInputs(org) => ApiError::Conflict(format!(
                "organisation {org} has no loss inputs yet: GET /api/v1/orgs/{org}/loss/inputs gives a template to fill in, PUT sets them"
            )),
            AppError::Conflict(message) => ApiError::Conflict(message),
            AppError::Internal(detail) => ApiError::Internal(detail),
        }
    }
}

impl From<mieruka_domain::plan::FieldError> for ApiError {
    fn from(e: mieruka_domain::plan::FieldError) -> ApiError {
        ApiError::Invalid {
            field: Some(e.field),
            reason: e.reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_use_case_failure_has_its_status_and_field() {
        let answer = |e: AppError| {
            let e = ApiError::from(e);
            let field = match &e {
                ApiError::Invalid { field, .. } => field.clone(),
                _ => None,
            };
            (e.parts().0, field)
        };
        assert_eq!(
            answer(AppError::invalid("targets[0]", "too high")),
            (StatusCode::BAD_REQUEST, Some("targets[0]".into()))
        );
        assert_eq!(
            answer(AppError::Refused("no rows".into())),
            (StatusCode::BAD_REQUEST, None)
        );
        assert_eq!(
            answer(AppError::NotFound("there is no user `x`".into())),
            (StatusCode::NOT_FOUND, None)
        );
        assert_eq!(
            answer(AppError::Conflict("one cyber risk".into())),
            (StatusCode::CONFLICT, None)
        );
        let state = StoreError::State {
            what: "plan 3".into(),
            done: "agreed",
            reason: "it is agreed, not a draft".into(),
        };
        assert_eq!(answer(AppError::Store(state)), (StatusCode::CONFLICT, None));
        assert_eq!(
            answer(AppError::Throttled(30)),
            (StatusCode::TOO_MANY_REQUESTS, None)
        );
        assert_eq!(
            answer(AppError::Unauthenticated),
            (StatusCode::UNAUTHORIZED, None)
        );
    }
}
