//! JSON request bodies whose errors name the field: a wrong type or a missing field is a 400
//! with `field` set, never a 500.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Like `axum::Json`, answering bad bodies with the API's error shape.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(JsonRejection::JsonDataError(e)) => {
                // The message reads "Failed to deserialize …: PATH: REASON"; keep PATH as the field.
                let detail = e.body_text();
                let tail = detail.split_once(": ").map_or(detail.as_str(), |(_, t)| t);
                let (field, reason) = match tail.split_once(": ") {
                    Some((path, reason)) if !path.contains(' ') => {
                        (Some(path.to_string()), reason.to_string())
                    }
                    _ => (None, tail.to_string()),
                };
                Err(ApiError::Invalid { field, reason })
            }
            Err(JsonRejection::JsonSyntaxError(_)) => Err(ApiError::Invalid {
                field: None,
                reason: "the body is not valid JSON".into(),
            }),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::Invalid {
                field: None,
                reason: "send the body as JSON (Content-Type: application/json)".into(),
            }),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::TooLarge)
            }
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::Invalid {
                field: None,
                reason: "the body could not be read".into(),
            }),
            Err(other) => Err(ApiError::Invalid {
                field: None,
                reason: other.body_text(),
            }),
        }
    }
}
