//! Errors on pages: a handler fails with [`WebError`] (any `ApiError`, store or use-case error),
//! and [`render_errors`] turns it into what a person sees, in the browser's language — a redirect
//! to the sign-in page when no one is signed in, otherwise an error page (or, for htmx, an inline
//! message) naming what went wrong without internals. The log gets internal causes, as for the
//! API.

use askama::Template;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use mieruka_domain::Lang;

use super::{Chrome, cookie_lang, is_htmx};
use crate::error::ApiError;

/// A page's failure; rendered by [`render_errors`].
#[derive(Debug)]
pub struct WebError(pub ApiError);

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> WebError {
        WebError(e)
    }
}

impl From<mieruka_store::StoreError> for WebError {
    fn from(e: mieruka_store::StoreError) -> WebError {
        WebError(e.into())
    }
}

impl From<mieruka_app::AppError> for WebError {
    fn from(e: mieruka_app::AppError) -> WebError {
        WebError(e.into())
    }
}

/// What a failed handler leaves on its response for [`render_errors`] to render.
#[derive(Debug, Clone)]
struct Failure {
    status: StatusCode,
    code: &'static str,
    /// Shown for invalid input and conflicts, which name the field and the reason.
    detail: Option<String>,
    /// For a busy server: when to try again, in seconds (sent as `Retry-After`).
    retry_after: Option<u64>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, code) = self.0.parts();
        if let ApiError::Internal(detail) = &self.0 {
            eprintln!("internal error: {detail}");
        }
        let detail = match &self.0 {
            ApiError::Invalid {
                field: Some(f),
                reason,
            } => Some(format!("{f}: {reason}")),
            ApiError::Invalid {
                field: None,
                reason,
            }
            | ApiError::Conflict(reason) => Some(reason.clone()),
            ApiError::InvalidRows { message, .. } => Some(message.clone()),
            _ => None,
        };
        let retry_after = match &self.0 {
            ApiError::Busy { retry_after } => Some(*retry_after),
            _ => None,
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(Failure {
            status,
            code,
            detail,
            retry_after,
        });
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Chrome,
    message: String,
    detail: Option<String>,
    status: u16,
}

/// Renders the failures of page handlers (see the module's comment).
pub async fn render_errors(req: Request, next: Next) -> Response {
    let lang = cookie_lang(req.headers());
    let htmx = is_htmx(req.headers());
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
    let is_get = req.method() == axum::http::Method::GET;
    let response = next.run(req).await;
    let Some(failure) = response.extensions().get::<Failure>().cloned() else {
        return response;
    };
    if failure.code == "unauthenticated" {
        let to = if is_get && path != "/" {
            format!("/sign-in?next={}", super::format::url_encode(&path))
        } else {
            "/sign-in".to_string()
        };
        return super::see_other(htmx, &to);
    }
    page(lang, htmx, &failure, &path)
}

fn page(lang: Lang, htmx: bool, failure: &Failure, path: &str) -> Response {
    let key = match failure.code {
        "not_found" | "no_route" => "web_error_not_found",
        "forbidden" => "web_error_forbidden",
        "csrf" => "web_error_csrf",
        "invalid" | "invalid_rows" => "web_error_invalid",
        "conflict" => "web_error_conflict",
        "throttled" => "web_error_throttled",
        "busy" => "web_error_busy",
        "too_large" => "web_error_too_large",
        "method_not_allowed" => "web_error_method",
        _ => "web_error_internal",
    };
    let mut chrome = Chrome::anonymous(lang, mieruka_domain::i18n::tr(lang, key, &[]), path);
    chrome.fragment = htmx;
    let template = ErrorPage {
        message: chrome.title.clone(),
        page: chrome,
        detail: failure.detail.clone(),
        status: failure.status.as_u16(),
    };
    match template.render() {
        Ok(html) => {
            let mut response = (failure.status, Html(html)).into_response();
            if let Some(seconds) = failure.retry_after {
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(seconds),
                );
            }
            response
        }
        Err(e) => {
            eprintln!("internal error: error template: {e}");
            failure.status.into_response()
        }
    }
}

/// The HTML 404 for a path no page has (the API's paths answer JSON instead).
pub fn not_found_page(lang: Lang, htmx: bool, path: &str) -> Response {
    status_page(lang, htmx, StatusCode::NOT_FOUND, "not_found", path)
}

/// An error page for a status and an `ApiError` code (`not_found`, `method_not_allowed`…).
pub fn status_page(
    lang: Lang,
    htmx: bool,
    status: StatusCode,
    code: &'static str,
    path: &str,
) -> Response {
    let failure = Failure {
        status,
        code,
        detail: None,
        retry_after: None,
    };
    page(lang, htmx, &failure, path)
}
