//! The web pages: server-side rendered HTML for people, beside the JSON API.
//!
//! One module per page or page group, one askama template struct per page (`templates/`), and
//! the pieces every page shares here: the page chrome ([`Chrome`]: language, title, the signed-in
//! user, the CSRF token, the organisation's navigation), the [`Viewer`] extractor (a signed-in
//! person, or a redirect to the sign-in page), and [`render`], which answers a whole page or, for
//! htmx requests (`HX-Request`), only the page's main content.
//!
//! Rules every page keeps:
//! - Numbers come from `mieruka-app` (as the API's do); pages only format them (`format.rs`).
//! - Roles are the API's: [`Principal::require`] with a [`Need`]; someone outside an
//!   organisation gets 404. Edit controls are shown only to those who may use them, and every
//!   write is checked again on the server.
//! - Writes are POSTs carrying the session's CSRF token, as the `X-CSRF-Token` header (htmx sends
//!   it from `hx-headers` on `<body>`) or as the `csrf_token` field of a plain form (`csrf.rs`
//!   moves it into the header before the usual check).
//! - Words come from `mieruka-domain/i18n/web.toml` through [`Chrome::t`]; user text is escaped
//!   by askama.
//! - Errors render as a page (or, for htmx, an inline message) without internals (`error.rs`).
//!
//! Adding a page: a module here with a handler taking [`Viewer`] (and `Path`/`Query`/`Form` as
//! needed), a `#[derive(Template)]` struct with a `page: Chrome` field (from [`Viewer::chrome`]
//! or [`Viewer::org_chrome`]), a template extending `base.html` that fills `content`, the words in
//! `web.toml`, and the route in [`routes`]. A form posts with `<input type="hidden"
//! name="csrf_token" value="{{ page.csrf }}">` (or through htmx, which sends the header), checks
//! the right with `viewer.who.require(…, Need::…)` before writing, writes through the store
//! handle `state.store.with_actor(&viewer.who.actor())` so the change is audited under the
//! person, and answers [`see_other`] (or the page again, filled in, with the reason and 400).

mod admin;
mod admin_account;
mod admin_audit;
mod admin_orgs;
mod admin_tokens;
mod admin_users;
mod assets;
mod cards;
mod charts;
mod csrf;
mod dashboard;
mod entry;
mod error;
pub mod format;
mod group;
mod import;
mod input;
mod loss;
mod multipart;
mod orgs;
mod plan;
mod reports;
mod risks;
mod session;
mod wizard;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use mieruka_domain::{Lang, i18n};
use mieruka_store::orgs::StoredOrg;

use crate::AppState;
use crate::auth::{Need, Principal};
use crate::error::ApiError;
pub use error::{WebError, not_found_page, status_page};

/// The cookie remembering the language of a browser (the signed-in user's choice is stored with
/// the account; this one serves the sign-in and error pages).
pub const LANG_COOKIE: &str = "mieruka_lang";

/// The pages' routes (the API's are in `crate::routes`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(session::home))
        .route(
            "/sign-in",
            get(session::sign_in_page).post(session::sign_in),
        )
        .route("/sign-out", post(session::sign_out))
        .route("/lang", post(session::switch_lang))
        .route("/static/{*file}", get(assets::serve))
        .route("/orgs", get(orgs::list))
        .route("/orgs/{org}", get(dashboard::page))
        .route("/orgs/{org}/group", get(group::page))
        .route("/orgs/{org}/plans/{plan}", get(plan::page))
        .route("/orgs/{org}/loss", get(loss::page).post(loss::save))
        .route("/orgs/{org}/risks", get(risks::page).post(risks::save))
        .route("/orgs/{org}/risks/{code}/remove", post(risks::remove))
        .route("/orgs/{org}/reports", get(reports::page))
        .route("/orgs/{org}/reports/issue", post(reports::issue))
        .route("/orgs/{org}/wizard", get(wizard::page).post(wizard::step))
        .route("/orgs/{org}/wizard/agreement", post(wizard::agreement))
        .route(
            "/orgs/{org}/plans/{plan}/measure",
            get(entry::page).post(entry::save),
        )
        .route("/orgs/{org}/plans/{plan}/measure/check", post(entry::check))
        .route(
            "/orgs/{org}/plans/{plan}/import",
            get(import::page).post(import::upload),
        )
        .merge(admin::routes())
        .route_layer(axum::middleware::from_fn(input::check_params))
        .layer(axum::middleware::from_fn(input::check_forms))
        // Outermost last: errors of the CSRF layer are rendered too.
        .layer(axum::middleware::from_fn(csrf::form_token_to_header))
        .layer(axum::middleware::from_fn(error::render_errors))
        .layer(axum::middleware::map_response(protect))
}

/// What a page may load and who may frame it: only this server's scripts, styles, fonts and
/// images (inline styles are used for bar widths and the font's URL), no framing, forms posted
/// only here. Added to every page and static file unless a handler set it.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
     connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

async fn protect(mut response: Response) -> Response {
    let h = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
    ] {
        if !h.contains_key(&name) {
            h.insert(name, axum::http::HeaderValue::from_static(value));
        }
    }
    response
}

/// Whether the request came from htmx, which wants only the main content. htmx restoring a page
/// from history wants the whole page.
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
        && !headers.contains_key("hx-history-restore-request")
}

/// The browser's language from its cookie (Japanese unless it chose English).
pub fn cookie_lang(headers: &HeaderMap) -> Lang {
    match crate::auth::cookie_value(headers, LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Ja,
    }
}

/// A signed-in person looking at pages: who they are, their language, and whether htmx asked.
/// Without a session the request is answered with a redirect to the sign-in page.
pub struct Viewer {
    pub who: Principal,
    pub lang: Lang,
    pub htmx: bool,
    /// The path and query asked for (the language switch returns here).
    pub here: String,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let who = Principal::from_request_parts(parts, state).await?;
        if who.token_scopes.is_some() {
            // Pages are for people signed in with a password; scripts use the API.
            return Err(ApiError::Unauthenticated.into());
        }
        Ok(Viewer {
            lang: who.lang,
            who,
            htmx: is_htmx(&parts.headers),
            here: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
        })
    }
}

impl Viewer {
    /// The chrome of a page with this title (a catalogue key or already translated text).
    pub fn chrome(&self, title: String) -> Chrome {
        Chrome {
            lang: self.lang,
            title,
            fragment: self.htmx,
            user: Some(self.who.username.clone()),
            csrf: self.who.csrf.clone().unwrap_or_default(),
            org: None,
            here: self.here.clone(),
            admin: self.who.is_admin,
        }
    }

    /// The chrome of a page inside an organisation, with its navigation; `section` is the key of
    /// the active tab (`web_nav_dashboard`, `web_nav_group`, `web_nav_loss`, `web_nav_risks`).
    pub fn org_chrome(&self, title: String, org: &StoredOrg, section: &'static str) -> Chrome {
        let mut c = self.chrome(title);
        c.org = Some(OrgNav {
            code: org.org.slug.as_str().to_string(),
            name: org.org.name.clone(),
            section,
            audit: admin::may_audit(&self.who, org),
        });
        c
    }

    /// Words in the viewer's language.
    pub fn t(&self, key: &str) -> String {
        i18n::tr(self.lang, key, &[])
    }

    /// The organisation named in the path, if the viewer may see it (404 otherwise, whether or
    /// not it exists).
    pub async fn org(&self, state: &AppState, code: &str) -> Result<StoredOrg, WebError> {
        Ok(crate::routes::visible_org(state, &self.who, code).await?)
    }

    /// Whether the viewer has this right in the organisation (for showing edit controls; the
    /// write itself is checked again).
    pub async fn may(&self, state: &AppState, org: &StoredOrg, need: Need) -> bool {
        self.who.require(&state.store, org.id, need).await.is_ok()
    }
}

/// What every page shows around its content.
pub struct Chrome {
    pub lang: Lang,
    /// The page's title, already in the page's language.
    pub title: String,
    /// Only the main content is wanted (an htmx request).
    pub fragment: bool,
    /// The signed-in user's name, if any.
    pub user: Option<String>,
    /// The session's CSRF token, sent back by htmx and forms on every write.
    pub csrf: String,
    /// The organisation being looked at, for its navigation.
    pub org: Option<OrgNav>,
    /// Where the language switch returns to.
    pub here: String,
    /// The signed-in user is an administrator (the masthead links to administration).
    pub admin: bool,
}

/// An organisation's navigation: its code, name and the active section.
pub struct OrgNav {
    pub code: String,
    pub name: String,
    pub section: &'static str,
    /// The viewer may read the audit log (its tab is shown).
    pub audit: bool,
}

/// The organisation's sections, in the navigation's order: (catalogue key, path after the org).
pub const ORG_SECTIONS: [(&str, &str); 7] = [
    ("web_nav_dashboard", ""),
    ("web_nav_group", "/group"),
    ("web_nav_loss", "/loss"),
    ("web_nav_risks", "/risks"),
    ("web_nav_reports", "/reports"),
    ("web_nav_settings", "/settings"),
    ("web_nav_audit", "/audit"),
];

impl Chrome {
    /// The chrome of a page shown to someone not signed in.
    pub fn anonymous(lang: Lang, title: String, here: &str) -> Chrome {
        Chrome {
            lang,
            title,
            fragment: false,
            user: None,
            csrf: String::new(),
            org: None,
            here: here.to_string(),
            admin: false,
        }
    }

    /// Words from the catalogue in the page's language.
    pub fn t(&self, key: &str) -> String {
        i18n::tr(self.lang, key, &[])
    }

    /// Words from the catalogue with their one placeholder, `{n}`, filled in.
    pub fn tn(&self, key: &str, n: impl std::fmt::Display) -> String {
        i18n::tr(self.lang, key, &[("n", &n)])
    }

    /// `ja` or `en`, for `<html lang>`.
    pub fn lang_code(&self) -> &'static str {
        match self.lang {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// The language the switch offers.
    pub fn other_lang(&self) -> (&'static str, &'static str) {
        match self.lang {
            Lang::Ja => ("en", "English"),
            Lang::En => ("ja", "日本語"),
        }
    }

    /// The URL of a static file, with its content hash so it can be cached for good.
    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }

    /// The navigation tabs: (label, href, active).
    pub fn tabs(&self) -> Vec<(String, String, bool)> {
        let Some(org) = &self.org else {
            return Vec::new();
        };
        ORG_SECTIONS
            .iter()
            .filter(|(key, _)| *key != "web_nav_audit" || org.audit)
            .map(|(key, path)| {
                (
                    self.t(key),
                    format!("/orgs/{}{path}", org.code),
                    *key == org.section,
                )
            })
            .collect()
    }
}

/// Renders a page template as HTML (the template itself leaves out the chrome for htmx).
pub fn render(template: &impl Template) -> Result<Response, WebError> {
    let html = template
        .render()
        .map_err(|e| ApiError::Internal(format!("template: {e}")))?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

/// A redirect after a form was handled (303, so the browser GETs the next page). For htmx, the
/// `HX-Redirect` header makes it navigate there too.
pub fn see_other(htmx: bool, to: &str) -> Response {
    if htmx {
        ([("hx-redirect", to.to_string())], "").into_response()
    } else {
        axum::response::Redirect::to(to).into_response()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The catalogue keys quoted in a text: `"web_…"` literals (Rust) and `page.t("…")` /
    /// `page.tn("…"` calls (templates). Keys built at run time (`{…}` inside) are checked
    /// separately.
    fn quoted_keys(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for start in ["\"web_", "page.t(\"", "page.tn(\""] {
            for (at, _) in text.match_indices(start) {
                let from = at + start.len() - if start == "\"web_" { 4 } else { 0 };
                let rest = &text[from..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    let plain = key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                    if plain && key.len() > 4 {
                        out.push(key.to_string());
                    }
                }
            }
        }
        out
    }

    fn files(dir: &Path, ext: &str) -> Vec<(String, String)> {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn every_word_the_pages_use_is_in_the_catalogue() {
        let keys = mieruka_domain::i18n::keys();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used: Vec<(String, String)> = Vec::new();
        for (file, text) in files(&root.join("templates"), "html")
            .into_iter()
            .chain(files(&root.join("src/web"), "rs"))
        {
            for key in quoted_keys(&text) {
                used.push((file.clone(), key));
            }
        }
        for role in ["owner", "contributor", "viewer", "auditor", "admin"] {
            used.push(("orgs.rs".into(), format!("web_role_{role}")));
        }
        for name in super::loss::FIELDS {
            used.push(("loss.rs".into(), format!("web_loss_in_{name}")));
            used.push(("loss.rs".into(), format!("web_loss_help_{name}")));
        }
        assert!(used.len() > 100, "the scan found the pages' words");
        for (file, key) in used {
            assert!(
                keys.contains(&key.as_str()),
                "{file}: `{key}` is not in the catalogue"
            );
        }
    }
}
