//! The audit log as people read it: an organisation's entries for its auditors, owners and
//! administrators (`Need::Audit`, as `GET /api/v1/orgs/{org}/audit`), and every entry for
//! administrators. Newest first, a page at a time, narrowed by what changed, who changed it and
//! when; each entry's before and after side by side, field by field, with the changed fields
//! marked. Administrators also see the chain's verification (`Store::verify_audit`, as
//! `GET /api/v1/audit/verify`), naming the first entry that does not hold.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_domain::{Date, Lang, i18n};
use mieruka_store::StoreError;
use mieruka_store::audit::{AuditEntry, AuditFilter, AuditProblem, VerifyError};
use mieruka_store::orgs::StoredOrg;
use serde::Deserialize;
use serde_json::Value;

use super::admin::{Problem, admin_tabs, problem};
use super::format::url_encode;
use super::{Chrome, Viewer, WebError, render};
use crate::AppState;
use crate::auth::Need;
use crate::error::ApiError;

/// Entries per page.
const PAGE: u32 = 50;

/// The kinds of thing the log records changes to, with a name in the catalogue
/// (`web_audit_entity_*`); any other is shown by its code.
pub const ENTITIES: [&str; 16] = [
    "api_token",
    "benchmark",
    "kpi_definition",
    "loss_inputs",
    "measurement",
    "membership",
    "organisation",
    "period",
    "plan",
    "plan_revision",
    "plan_state",
    "risk",
    "unit",
    "user",
    "user_password",
    "user_sessions",
];

/// The filters, as the form sends them (empty fields are no filter).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    entity: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

/// One field of an entry: its name, the value before and after, and whether it changed.
struct FieldChange {
    field: String,
    before: String,
    after: String,
    changed: bool,
}

struct EntryLine {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    key: String,
    fields: Vec<FieldChange>,
}

/// The chain's verification, for administrators.
struct Verdict {
    ok: bool,
    message: String,
    /// The entry named when broken, and a link to it in the whole log.
    entry: Option<(i64, String)>,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    page: Chrome,
    /// The administrator's sub-navigation (the whole log) or none (an organisation's log).
    tabs: Vec<(String, &'static str, bool)>,
    /// The page's own path, which the filter form and paging links go to.
    action: String,
    entries: Vec<EntryLine>,
    actors: Vec<String>,
    entities: Vec<(String, String)>,
    query: AuditQuery,
    problem: Option<Problem>,
    /// The link to the next (older) page, if there is one.
    older: Option<String>,
    /// The link back to the newest entries with the same filters, when paged.
    newest: Option<String>,
    verdict: Option<Verdict>,
}

impl AuditPage {
    fn invalid(&self, field: &str) -> bool {
        self.problem
            .as_ref()
            .is_some_and(|p| p.field.as_deref() == Some(field))
    }
}

fn entity_label(lang: Lang, e: &str) -> String {
    if ENTITIES.contains(&e) {
        i18n::tr(lang, &format!("web_audit_entity_{e}"), &[])
    } else {
        e.to_string()
    }
}

/// A recorded value as text: strings as they are, nothing as a dash, structures as compact JSON.
fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            let text = other.to_string();
            match text.char_indices().nth(300) {
                Some((at, _)) => format!("{}…", &text[..at]),
                None => text,
            }
        }
    }
}

/// The fields of an entry's before and after, in the order recorded (before's first).
fn field_changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let object = |v: Option<&Value>| v.and_then(Value::as_object).cloned();
    match (object(before), object(after)) {
        (b, a) if b.is_some() || a.is_some() => {
            let (b, a) = (b.unwrap_or_default(), a.unwrap_or_default());
            let mut names: Vec<&String> = b.keys().collect();
            names.extend(a.keys().filter(|k| !b.contains_key(*k)));
            names
                .into_iter()
                .map(|k| FieldChange {
                    field: k.clone(),
                    before: if before.is_some() {
                        shown(b.get(k))
                    } else {
                        String::new()
                    },
                    after: if after.is_some() {
                        shown(a.get(k))
                    } else {
                        String::new()
                    },
                    // Only an update changes fields; a creation or removal has one side.
                    changed: before.is_some() && after.is_some() && b.get(k) != a.get(k),
                })
                .collect()
        }
        _ => vec![FieldChange {
            field: String::new(),
            before: before.map(|v| shown(Some(v))).unwrap_or_default(),
            after: after.map(|v| shown(Some(v))).unwrap_or_default(),
            changed: before.is_some() && after.is_some() && before != after,
        }],
    }
}

fn entry_line(lang: Lang, e: AuditEntry) -> EntryLine {
    let at = match (e.at.get(..10), e.at.get(11..19)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => e.at.clone(),
    };
    EntryLine {
        seq: e.seq,
        at,
        actor: e.actor,
        action: i18n::tr(lang, &format!("web_audit_action_{}", e.action), &[]),
        entity: entity_label(lang, &e.entity),
        key: e.entity_key,
        fields: field_changes(e.before.as_ref(), e.after.as_ref()),
    }
}

/// The filters as the store takes them, or the field at fault.
fn filter(q: &AuditQuery, org: Option<&StoredOrg>) -> Result<AuditFilter, ApiError> {
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let day = |field: &str, s: &str| match text(s) {
        None => Ok(None),
        Some(d) => Date::parse(&d)
            .map(Some)
            .map_err(|e| ApiError::invalid(field, e)),
    };
    Ok(AuditFilter {
        org: org.map(|o| o.id),
        entity: text(&q.entity),
        actor: text(&q.actor),
        from: day("from", &q.from)?,
        to: day("to", &q.to)?,
        before_seq: q.before,
    })
}

/// The query string for another page with the same filters.
fn query_string(q: &AuditQuery, before: Option<i64>) -> String {
    let mut parts: Vec<String> = [
        ("entity", &q.entity),
        ("actor", &q.actor),
        ("from", &q.from),
        ("to", &q.to),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| format!("{k}={}", url_encode(v.trim())))
    .collect();
    if let Some(b) = before {
        parts.push(format!("before={b}"));
    }
    parts.join("&")
}

async fn verdict(state: &AppState, lang: Lang) -> Result<Verdict, WebError> {
    let tr = |key: &str, n: &dyn std::fmt::Display| i18n::tr(lang, key, &[("n", n)]);
    Ok(match state.store.verify_audit().await {
        Ok(report) => Verdict {
            ok: true,
            message: tr("web_audit_intact", &report.entries),
            entry: None,
        },
        Err(VerifyError::Broken(b)) => {
            let why = match b.problem {
                AuditProblem::Edited => "web_audit_broken_edited",
                AuditProblem::Missing => "web_audit_broken_missing",
                AuditProblem::OutOfOrder => "web_audit_broken_order",
                AuditProblem::Deleted => "web_audit_broken_deleted",
                AuditProblem::Rewritten => "web_audit_broken_rewritten",
                AuditProblem::BadSeal => "web_audit_broken_bad_seal",
                AuditProblem::Unsealed => "web_audit_broken_unsealed",
            };
            Verdict {
                ok: false,
                message: format!(
                    "{} {}",
                    tr("web_audit_broken", &b.seq),
                    i18n::tr(lang, why, &[])
                ),
                entry: Some((
                    b.seq,
                    format!("/admin/audit?before={}#entry-{}", b.seq + 1, b.seq),
                )),
            }
        }
        // The key or head file cannot be used: verification cannot vouch for the log.
        Err(VerifyError::Store(e @ StoreError::AuditSeal { .. })) => Verdict {
            ok: false,
            message: i18n::tr(lang, "web_audit_seal_unusable", &[("reason", &e)]),
            entry: None,
        },
        Err(VerifyError::Store(e)) => return Err(e.into()),
    })
}

async fn audit_page(
    state: &AppState,
    viewer: &Viewer,
    org: Option<&StoredOrg>,
    q: AuditQuery,
) -> Result<Response, WebError> {
    let lang = viewer.lang;
    let (chrome, tabs, action) = match org {
        Some(o) => (
            viewer.org_chrome(
                format!("{} — {}", viewer.t("web_nav_audit"), o.org.name),
                o,
                "web_nav_audit",
            ),
            Vec::new(),
            format!("/orgs/{}/audit", o.org.slug.as_str()),
        ),
        None => (
            viewer.chrome(viewer.t("web_audit_all_title")),
            admin_tabs(lang, "/admin/audit"),
            "/admin/audit".to_string(),
        ),
    };
    let (actors, entities) = state.store.audit_vocabulary(org.map(|o| o.id)).await?;
    let (entries, problem) = match filter(&q, org) {
        Ok(f) => (state.store.audit_search(&f, PAGE).await?, None),
        Err(e) => (Vec::new(), Some(problem(lang, e)?)),
    };
    let older = (entries.len() == PAGE as usize)
        .then(|| entries.last().map(|e| e.seq))
        .flatten()
        .map(|seq| format!("{action}?{}", query_string(&q, Some(seq))));
    let newest = q
        .before
        .map(|_| format!("{action}?{}", query_string(&q, None)));
    let verdict = if viewer.who.is_admin {
        Some(verdict(state, lang).await?)
    } else {
        None
    };
    let status = if problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = AuditPage {
        page: chrome,
        tabs,
        action,
        entries: entries.into_iter().map(|e| entry_line(lang, e)).collect(),
        actors,
        entities: entities
            .into_iter()
            .map(|e| (entity_label(lang, &e), e))
            .collect(),
        query: q,
        problem,
        older,
        newest,
        verdict,
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /orgs/{org}/audit`: the organisation's log (auditors, owners, administrators).
pub async fn org_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let org = viewer.org(&state, &code).await?;
    viewer
        .who
        .require(&state.store, org.id, Need::Audit)
        .await?;
    audit_page(&state, &viewer, Some(&org), q).await
}

/// `GET /admin/audit`: the whole log, with the chain's verification (administrators).
pub async fn admin_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    viewer.who.require_admin()?;
    audit_page(&state, &viewer, None, q).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_update_shows_each_field_and_marks_the_changed_ones() {
        let before = json!({ "role": "viewer", "unit": null });
        let after = json!({ "role": "contributor", "unit": "security" });
        let f = field_changes(Some(&before), Some(&after));
        assert_eq!(f.len(), 2);
        assert_eq!(
            (
                f[0].field.as_str(),
                f[0].before.as_str(),
                f[0].after.as_str()
            ),
            ("role", "viewer", "contributor")
        );
        assert!(f[0].changed && f[1].changed);
        assert_eq!(f[1].before, "—");
        let same = field_changes(
            Some(&json!({ "a": 1 })),
            Some(&json!({ "a": 1, "b": [1, 2] })),
        );
        assert!(!same[0].changed && same[1].changed);
        assert_eq!(same[1].after, "[1,2]");
    }

    #[test]
    fn a_creation_has_no_before_and_a_deletion_no_after() {
        let created = field_changes(None, Some(&json!({ "name": "本社" })));
        assert!(!created[0].changed, "a creation marks nothing as changed");
        assert_eq!(
            (created[0].before.as_str(), created[0].after.as_str()),
            ("", "本社")
        );
        let deleted = field_changes(Some(&json!({ "name": "本社" })), None);
        assert_eq!(
            (deleted[0].before.as_str(), deleted[0].after.as_str()),
            ("本社", "")
        );
    }

    #[test]
    fn filters_keep_to_the_page_and_name_a_bad_date() {
        let q = AuditQuery {
            entity: "unit".into(),
            actor: "ciso".into(),
            from: "2026-11-01".into(),
            to: String::new(),
            before: Some(40),
        };
        let f = filter(&q, None).unwrap();
        assert_eq!(f.entity.as_deref(), Some("unit"));
        assert_eq!(f.from, Some(Date::new(2026, 11, 1).unwrap()));
        assert_eq!(f.to, None);
        assert_eq!(
            query_string(&q, Some(12)),
            "entity=unit&actor=ciso&from=2026-11-01&before=12"
        );
        let bad = AuditQuery {
            to: "2026-13-01".into(),
            ..AuditQuery::default()
        };
        match filter(&bad, None) {
            Err(ApiError::Invalid { field, .. }) => assert_eq!(field.as_deref(), Some("to")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_entity_and_action_has_a_name() {
        let keys = i18n::keys();
        let names = ENTITIES
            .iter()
            .map(|e| format!("web_audit_entity_{e}"))
            .chain(
                ["create", "update", "delete"]
                    .iter()
                    .map(|a| format!("web_audit_action_{a}")),
            );
        for key in names {
            assert!(keys.contains(&key.as_str()), "`{key}` is missing");
        }
    }
}
