//! Signing in and out, the landing redirect, and the language switch.
//!
//! Sign-in goes through the same use case as the API (`mieruka_app::session`): throttling, the
//! session in the database, the HttpOnly SameSite=Strict cookie. The language a signed-in user
//! picks is stored with the account (audited), so it follows them to any browser; a browser also
//! keeps it in a cookie for the pages shown before signing in.

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mieruka_domain::Lang;
use serde::Deserialize;

use super::format::local_path;
use super::{Chrome, LANG_COOKIE, WebError, cookie_lang, see_other};
use crate::AppState;
use crate::auth::{Principal, same_site};
use crate::error::ApiError;
use crate::session;

/// `GET /`: the organisation list when signed in, else the sign-in page.
pub async fn home(State(state): State<AppState>, req: Request) -> Response {
    let (mut parts, _) = req.into_parts();
    match Principal::from_request_parts(&mut parts, &state).await {
        Ok(_) => see_other(false, "/orgs"),
        Err(_) => see_other(false, "/sign-in"),
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    page: Chrome,
    next: String,
    username: String,
    /// Why the last attempt failed, in the page's language.
    problem: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /sign-in`.
pub async fn sign_in_page(headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    let lang = cookie_lang(&headers);
    sign_in_form(
        lang,
        local_path(q.next.as_deref()),
        String::new(),
        None,
        StatusCode::OK,
    )
}

fn sign_in_form(
    lang: Lang,
    next: String,
    username: String,
    problem: Option<String>,
    status: StatusCode,
) -> Response {
    let page = SignInPage {
        page: Chrome::anonymous(
            lang,
            mieruka_domain::i18n::tr(lang, "web_sign_in", &[]),
            "/sign-in",
        ),
        next,
        username,
        problem,
    };
    match super::render(&page) {
        Ok(r) => (status, r).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// `POST /sign-in`: opens a session and goes where the person was headed (a local path only).
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    same_site(&headers)?;
    let lang = cookie_lang(&headers);
    let next = local_path(form.next.as_deref());
    let username = form.username.trim().to_string();
    let opened =
        match session::open(&state, &username, &form.password, &peer.ip().to_string()).await {
            Ok(o) => o,
            Err(ApiError::Unauthenticated) => {
                let problem = mieruka_domain::i18n::tr(lang, "web_sign_in_failed", &[]);
                return Ok(sign_in_form(
                    lang,
                    next,
                    username,
                    Some(problem),
                    StatusCode::UNAUTHORIZED,
                ));
            }
            Err(ApiError::Throttled(wait)) => {
                let problem = mieruka_domain::i18n::tr(lang, "web_error_throttled", &[]);
                let mut page = sign_in_form(
                    lang,
                    next,
                    username,
                    Some(problem),
                    StatusCode::TOO_MANY_REQUESTS,
                );
                page.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, wait.into());
                return Ok(page);
            }
            Err(e) => return Err(e.into()),
        };
    // A one-time password is replaced before anything else; someone with a part in a single
    // organisation goes straight to its dashboard.
    let creds = &opened.credentials;
    let to = if creds.must_change_password {
        "/account/password".to_string()
    } else if next == "/" || next == "/orgs" {
        if creds.is_admin {
            "/orgs".to_string()
        } else {
            match state.store.memberships(creds.user).await?.as_slice() {
                [only] => format!("/orgs/{}", only.org_code),
                _ => "/orgs".to_string(),
            }
        }
    } else {
        next
    };
    let mut response = see_other(false, &to);
    let h = response.headers_mut();
    h.append(
        SET_COOKIE,
        session::cookie(&state, &opened.secret, session::max_age(&state)),
    );
    h.append(SET_COOKIE, lang_cookie(&state, opened.credentials.lang));
    Ok(response)
}

/// `POST /sign-out`: ends the session (the CSRF check applies) and shows the sign-in page.
pub async fn sign_out(State(state): State<AppState>, req: Request) -> Result<Response, WebError> {
    let (mut parts, _) = req.into_parts();
    match Principal::from_request_parts(&mut parts, &state).await {
        Ok(_) => session::close(&state, &parts.headers).await?,
        Err(ApiError::Unauthenticated) => {}
        Err(e) => return Err(e.into()),
    }
    let mut response = see_other(false, "/sign-in");
    response
        .headers_mut()
        .append(SET_COOKIE, session::cookie(&state, "", 0));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct LangForm {
    lang: String,
    back: Option<String>,
    /// Read by the CSRF layer; listed so the form parses.
    #[allow(dead_code)]
    csrf_token: Option<String>,
}

/// `POST /lang`: switches the language. Signed in, the choice is stored with the account
/// (audited) and the CSRF check applies; otherwise only this browser remembers it.
pub async fn switch_lang(
    State(state): State<AppState>,
    req: Request,
) -> Result<Response, WebError> {
    let (mut parts, body) = req.into_parts();
    let who = match Principal::from_request_parts(&mut parts, &state).await {
        Ok(p) => Some(p),
        Err(ApiError::Unauthenticated) => {
            same_site(&parts.headers)?;
            None
        }
        Err(e) => return Err(e.into()),
    };
    let Form(form) = Form::<LangForm>::from_request(Request::from_parts(parts, body), &state)
        .await
        .map_err(|_| ApiError::invalid("lang", "ja or en"))?;
    let lang: Lang = form
        .lang
        .parse()
        .map_err(|e: String| ApiError::invalid("lang", e))?;
    if let Some(who) = who {
        state
            .store
            .with_actor(&who.actor())
            .set_user_lang(who.user, lang)
            .await?;
    }
    let mut response = see_other(false, &local_path(form.back.as_deref()));
    response
        .headers_mut()
        .append(SET_COOKIE, lang_cookie(&state, lang));
    Ok(response)
}

/// The browser's language cookie (a year; not a secret, but kept from scripts all the same).
fn lang_cookie(state: &AppState, lang: Lang) -> HeaderValue {
    let code = match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    };
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={code}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}"
    ))
    .expect("cookie text is ASCII")
}
