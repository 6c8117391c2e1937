//! The signed-in person's own account: changing the password (required after a one-time
//! password, before anything else can be done), through the same use case as the API.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::error::ApiError;
use crate::usecase::session::change_password;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    page: Chrome,
    /// The account still has a one-time password.
    required: bool,
    problem: Option<String>,
}

/// `GET /account/password`.
pub async fn password_page(viewer: Viewer) -> Result<Response, WebError> {
    render(&PasswordPage {
        page: viewer.chrome(viewer.t("web_password_title")),
        required: viewer.who.must_change_password,
        problem: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
    /// Read by the CSRF layer.
    #[allow(dead_code)]
    csrf_token: Option<String>,
}

/// `POST /account/password`: on success, on to the organisation list.
pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let problem = if form.new != form.confirm {
        viewer.t("web_password_mismatch")
    } else {
        match change_password(&state, &viewer.who, &form.current, &form.new).await {
            Ok(()) => return Ok(see_other(viewer.htmx, "/orgs")),
            Err(ApiError::Invalid { field, .. }) => match field.as_deref() {
                Some("current") => viewer.t("web_password_current_wrong"),
                _ => viewer.t("web_password_rules"),
            },
            Err(e) => return Err(e.into()),
        }
    };
    let page = PasswordPage {
        page: viewer.chrome(viewer.t("web_password_title")),
        required: viewer.who.must_change_password,
        problem: Some(problem),
    };
    Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
}
