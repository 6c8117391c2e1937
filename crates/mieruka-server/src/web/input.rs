//! Text sent to the pages, checked before any handler reads it, with the domain's rule for text
//! from outside (`mieruka_domain::text::check_text`: no NUL or other control character but tab
//! and line breaks — a browser sends a text area's lines as CR LF): every field of a plain form,
//! every text field of a multipart form (a file's bytes go to the file readers, which check what
//! they take from it), and every query parameter and path segment. A refusal is a 400 naming the
//! field, rendered as the pages' errors are.

use axum::Form;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::WebError;
use super::csrf::{MAX_FORM_BYTES, MAX_UPLOAD_BYTES};
use crate::error::ApiError;
use crate::params::check_params_text;

/// The query and path parameters of a page (a route layer, so the path's segments are known).
pub async fn check_params(mut req: Request, next: Next) -> Response {
    match check_params_text(&mut req).await {
        Ok(()) => next.run(req).await,
        Err(e) => WebError(e).into_response(),
    }
}

/// The fields of a posted form.
pub async fn check_forms(req: Request, next: Next) -> Response {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let upload = super::multipart::boundary(&content_type);
    if req.method() != Method::POST || !(is_form || upload.is_some()) {
        return next.run(req).await;
    }
    let limit = if upload.is_some() {
        MAX_UPLOAD_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, limit).await else {
        return WebError(ApiError::TooLarge).into_response();
    };
    let fields: Vec<(String, String)> = match &upload {
        Some(b) => super::multipart::form_data(bytes.clone(), b)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.filename.is_none())
            .filter_map(|p| String::from_utf8(p.data).ok().map(|v| (p.name, v)))
            .collect(),
        None => {
            let probe = Request::builder()
                .method(Method::POST)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(bytes.clone()))
                .expect("a request from known parts");
            // A body that does not decode is left to the handler's own extractor to refuse.
            Form::<Vec<(String, String)>>::from_request(probe, &())
                .await
                .map(|Form(f)| f)
                .unwrap_or_default()
        }
    };
    if let Err(e) = check_fields(&fields) {
        return WebError(e).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The first field whose name or value the rule refuses, as a 400 naming it.
fn check_fields(fields: &[(String, String)]) -> Result<(), ApiError> {
    for (name, value) in fields {
        mieruka_domain::text::check_text(name)
            .and_then(|()| mieruka_domain::text::check_text(value))
            .map_err(|e| ApiError::invalid(name.clone(), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_in_a_field_is_refused_by_name() {
        let ok = [("evidence".to_string(), "line 1\r\nline 2\tend".to_string())];
        assert!(check_fields(&ok).is_ok());
        let bad = [
            ("name".to_string(), "fine".to_string()),
            ("evidence".to_string(), "bad\u{0}".to_string()),
        ];
        match check_fields(&bad) {
            Err(ApiError::Invalid { field, reason }) => {
                assert_eq!(field.as_deref(), Some("evidence"));
                assert!(reason.contains("U+0000"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
}
