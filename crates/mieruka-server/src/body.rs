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
                // The message reads "Failed to deserialize …: PATH: REASON at line L column C".
                let detail = e.body_text();
                let tail = detail.split_once(": ").map_or(detail.as_str(), |(_, t)| t);
                let (field, reason) = match tail.split_once(": ") {
                    Some((path, reason)) if !path.contains(' ') => (path, reason),
                    _ => (".", tail),
                };
                Err(data_error(field, reason))
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

/// The error for a body of the wrong shape. `path` is serde's path to the value at fault (`.` for
/// the top level); a missing or unknown field is named in the reason, so it is added to the path.
pub fn data_error(path: &str, reason: &str) -> ApiError {
    let reason = strip_position(reason);
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| reason.strip_prefix(p))
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    let path = path.trim_start_matches('.');
    // An unknown field's path already ends with it; a missing field's is its parent's.
    let field = match (path.is_empty(), named) {
        (true, Some(name)) => Some(name.to_string()),
        (true, None) => None,
        (false, Some(name)) if path != name && !path.ends_with(&format!(".{name}")) => {
            Some(format!("{path}.{name}"))
        }
        (false, _) => Some(path.to_string()),
    };
    ApiError::Invalid {
        field,
        reason: reason.to_string(),
    }
}

/// Drops serde_json's " at line L column C": the field says where.
fn strip_position(reason: &str) -> &str {
    match reason.rfind(" at line ") {
        Some(i)
            if reason[i + 9..]
                .split(' ')
                .all(|w| w == "column" || w.chars().all(|c| c.is_ascii_digit())) =>
        {
            &reason[..i]
        }
        _ => reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: ApiError) -> (Option<String>, String) {
        match e {
            ApiError::Invalid { field, reason } => (field, reason),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fields_are_named_at_any_depth() {
        assert_eq!(
            field_of(data_error(
                "numerator",
                "invalid type: string \"x\", expected f64 at line 1 column 20"
            )),
            (
                Some("numerator".into()),
                "invalid type: string \"x\", expected f64".into()
            )
        );
        assert_eq!(
            field_of(data_error(".", "missing field `reason` at line 1 column 2")).0,
            Some("reason".into())
        );
        assert_eq!(
            field_of(data_error(
                "inputs",
                "unknown field `colour`, expected one of …"
            ))
            .0,
            Some("inputs.colour".into())
        );
        assert_eq!(field_of(data_error(".", "expected a map")).0, None);
    }
}
