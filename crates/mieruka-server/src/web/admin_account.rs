//! One's own password: the page a one-time password leads to after signing in (nothing else
//! opens until it is replaced), and where anyone changes theirs. The change goes through
//! `mieruka_app::session::change_password`, as `POST /api/v1/me/password` does, and ends one's other
//! sessions. The page also signs one out everywhere (`mieruka_app::session::end_everywhere`, as
//! `DELETE /api/v1/me/sessions`).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::admin::{Problem, problem};
use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::error::ApiError;
use crate::session::{self, change_password};

/// The form; passwords are never sent back to the browser.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

#[derive(Template)]
#[template(path = "admin_password.html")]
struct PasswordPage {
    page: Chrome,
    /// The account still has its one-time password.
    one_time: bool,
    problem: Option<Problem>,
}

impl PasswordPage {
    fn invalid(&self, field: &str) -> bool {
        self.problem
            .as_ref()
            .is_some_and(|p| p.field.as_deref() == Some(field))
    }
}

fn password_page(viewer: &Viewer, problem: Option<Problem>) -> PasswordPage {
    PasswordPage {
        page: viewer.chrome(viewer.t("web_admin_password_title")),
        one_time: viewer.who.must_change_password,
        problem,
    }
}

/// `GET /account/password`.
pub async fn page(viewer: Viewer) -> Result<Response, WebError> {
    render(&password_page(&viewer, None))
}

/// `POST /account/password`: changes the password and goes on to the organisations.
pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let result = if form.new != form.confirm {
        Err(ApiError::invalid("confirm", "the two new passwords differ"))
    } else {
        change_password(&state, &viewer.who, &headers, form.current, form.new).await
    };
    match result {
        Ok(()) => Ok(see_other(viewer.htmx, "/orgs")),
        Err(e) => {
            let p = problem(viewer.lang, e)?;
            let page = password_page(&viewer, Some(p));
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}

/// `POST /account/sessions/end`: signs out everywhere — every session of the account, this
/// browser's included — and shows the sign-in page.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    session::close_everywhere(&state, &viewer.who).await?;
    let mut response = see_other(viewer.htmx, "/sign-in");
    response
        .headers_mut()
        .append(SET_COOKIE, session::cookie(&state, "", 0));
    Ok(response)
}
