//! Query strings and path segments, answered with the API's error shape when they do not parse:
//! a 400 naming the parameter, like a bad body.

use axum::RequestExt;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, RawPathParams, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::body::data_error;
use crate::error::ApiError;

/// Like `axum::extract::Query`, with errors that name the parameter.
pub struct Params<T>(pub T);

impl<S, T> FromRequestParts<S> for Params<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(Params(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let detail = e.body_text();
                let tail = detail.split_once(": ").map_or(detail.as_str(), |(_, t)| t);
                match tail.split_once(": ") {
                    Some((path, reason)) if !path.contains(' ') => Err(data_error(path, reason)),
                    _ => Err(data_error(".", tail)),
                }
            }
            Err(other) => Err(ApiError::Invalid {
                field: None,
                reason: other.body_text(),
            }),
        }
    }
}

/// Like `axum::extract::Path`, with errors in the API's shape.
pub struct UrlPath<T>(pub T);

impl<S, T> FromRequestParts<S> for UrlPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(UrlPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                use axum::extract::path::ErrorKind;
                match e.kind() {
                    ErrorKind::ParseErrorAtKey {
                        key,
                        value,
                        expected_type,
                    } => Err(ApiError::invalid(
                        key.clone(),
                        format!("`{value}` is not a valid {}", short_type(expected_type)),
                    )),
                    ErrorKind::ParseError {
                        value,
                        expected_type,
                    } => {
                        // A single value has no key in the error: find the segment that holds it.
                        let key = RawPathParams::from_request_parts(parts, state)
                            .await
                            .ok()
                            .and_then(|raw| {
                                raw.iter()
                                    .find(|(_, v)| v == value)
                                    .map(|(k, _)| k.to_string())
                            });
                        Err(ApiError::Invalid {
                            field: key,
                            reason: format!(
                                "`{value}` is not a valid {}",
                                short_type(expected_type)
                            ),
                        })
                    }
                    _ => Err(ApiError::Invalid {
                        field: None,
                        reason: e.body_text(),
                    }),
                }
            }
            Err(other) => Err(ApiError::Invalid {
                field: None,
                reason: other.body_text(),
            }),
        }
    }
}

/// `i64` for `i64`, `core::option::Option<i64>` → `Option<i64>`: what a person reads.
fn short_type(t: &str) -> &str {
    match t {
        "i64" | "u64" | "i32" | "u32" | "usize" => "number",
        other => other.rsplit("::").next().unwrap_or(other),
    }
}

/// Refuses a query parameter or a path segment holding a NUL or another control character (the
/// domain's rule for text from outside, `mieruka_domain::text::check_text`), naming it: run
/// before any handler, on every API route and page.
pub async fn check_params_text(req: &mut Request) -> Result<(), ApiError> {
    if req.uri().query().is_some() {
        let pairs = Query::<Vec<(String, String)>>::try_from_uri(req.uri())
            .map(|Query(p)| p)
            .unwrap_or_default();
        for (name, value) in pairs {
            mieruka_domain::text::check_text(&name)
                .and_then(|()| mieruka_domain::text::check_text(&value))
                .map_err(|e| ApiError::invalid(name.clone(), e))?;
        }
    }
    // A segment that is not UTF-8 is left to the handler's extractor to refuse.
    if let Ok(raw) = req.extract_parts::<RawPathParams>().await {
        for (name, value) in raw.iter() {
            mieruka_domain::text::check_text(value).map_err(|e| ApiError::invalid(name, e))?;
        }
    }
    Ok(())
}

/// Rejects query parameters a route does not take, naming the first one. `allowed` is the
/// route's documented list, so the document and the check are the same list.
pub fn check_query_names(query: Option<&str>, allowed: &[&str]) -> Result<(), ApiError> {
    let Some(query) = query else {
        return Ok(());
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let name = pair.split_once('=').map_or(pair, |(k, _)| k);
        if !allowed.contains(&name) {
            let takes = if allowed.is_empty() {
                "this route takes no query parameters".to_string()
            } else {
                format!("this route takes: {}", allowed.join(", "))
            };
            return Err(ApiError::invalid(
                name.to_string(),
                format!("unknown query parameter; {takes}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_query_names_are_refused() {
        assert!(check_query_names(None, &[]).is_ok());
        assert!(check_query_names(Some("limit=5&offset=0"), &["limit", "offset"]).is_ok());
        match check_query_names(Some("limit=5&colour=red"), &["limit"]) {
            Err(ApiError::Invalid { field, reason }) => {
                assert_eq!(field.as_deref(), Some("colour"));
                assert!(reason.contains("limit"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(check_query_names(Some("x"), &[]).is_err());
    }
}
