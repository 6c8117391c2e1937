//! The CSRF token of plain HTML forms. htmx sends the session's token as the `X-CSRF-Token`
//! header (from `hx-headers` on `<body>`); a form posted without script carries it as the hidden
//! field `csrf_token` instead. This layer copies that field into the header, so the one check in
//! `auth.rs` (token equal to the session's, request not cross-site) applies to both unchanged. A
//! request that already has the header is left alone, and nothing is accepted that the header
//! check would refuse.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::CSRF_HEADER;
use crate::error::ApiError;

/// The most a form body may hold (pages' forms are a few fields; files go through the API).
pub(super) const MAX_FORM_BYTES: usize = 256 * 1024;

/// The most an uploaded form may hold (a measurement file, or one carried base64-encoded from
/// its preview to its confirmation).
pub(super) const MAX_UPLOAD_BYTES: usize = 12 * 1024 * 1024;

/// The hidden field's name.
pub const FIELD: &str = "csrf_token";

pub async fn form_token_to_header(req: Request, next: Next) -> Response {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    // A file upload's form carries the token as one of its fields (`web/import.rs`).
    let upload = super::multipart::boundary(content_type);
    if req.method() != Method::POST
        || !(is_form || upload.is_some())
        || req.headers().contains_key(CSRF_HEADER)
    {
        return next.run(req).await;
    }
    let limit = if upload.is_some() {
        MAX_UPLOAD_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, limit).await else {
        return super::WebError(ApiError::TooLarge).into_response();
    };
    let token = match &upload {
        Some(b) => super::multipart::form_data(bytes.clone(), b)
            .await
            .and_then(|fields| fields.into_iter().find(|f| f.name == FIELD))
            .and_then(|f| String::from_utf8(f.data).ok()),
        None => field(&bytes, FIELD),
    };
    if let Some(token) = token
        && let Ok(value) = HeaderValue::from_str(&token)
    {
        parts.headers.insert(CSRF_HEADER, value);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The value of a form field (`a=1&b=2`), if present. Tokens are hex, so no decoding is needed;
/// anything else in the value makes it unusable as a token anyway.
fn field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn finds_the_token_among_other_fields() {
        assert_eq!(
            field(b"lang=en&csrf_token=ab12&back=%2Forgs", "csrf_token").as_deref(),
            Some("ab12")
        );
        assert_eq!(field(b"lang=en", "csrf_token"), None);
        assert_eq!(field(b"xcsrf_token=1", "csrf_token"), None);
    }
}
