//! The organisation list: where a person lands after signing in. Each organisation they may see,
//! with their role, its maturity stage and how its plans of the current half-year stand.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mieruka_app::status::{resolve_period, statuses};

use super::format::{StatusView, status_counts};
use super::{Chrome, Viewer, WebError, render};
use crate::AppState;
use crate::auth::now;

struct OrgRow {
    code: String,
    name: String,
    maturity: &'static str,
    role: String,
    period: String,
    plans: usize,
    counts: Vec<(StatusView, usize)>,
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage {
    page: Chrome,
    orgs: Vec<OrgRow>,
}

/// `GET /orgs`.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    let lang = viewer.lang;
    let mut orgs = Vec::new();
    for org in state.store.organisations().await? {
        if !viewer.who.sees(org.id) {
            continue;
        }
        let today = org.org.today(now());
        let period = resolve_period(&state.store, &org, None, today).await?;
        let list = statuses(&state.store, &org, &period, today).await?;
        let found: Vec<_> = list.iter().map(|s| s.evaluation.status).collect();
        let role = match viewer.who.membership(org.id) {
            Some(m) => viewer.t(&format!("web_role_{}", m.role)),
            None => viewer.t("web_role_admin"),
        };
        orgs.push(OrgRow {
            code: org.org.slug.as_str().to_string(),
            name: org.org.name.clone(),
            maturity: org.org.maturity.label(lang),
            role,
            period: period.id.clone(),
            plans: list.len(),
            counts: status_counts(&found, lang),
        });
    }
    render(&OrgsPage {
        page: viewer.chrome(viewer.t("web_orgs_title")),
        orgs,
    })
}
