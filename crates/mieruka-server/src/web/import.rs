//! Importing a plan's measurements from a file (CSV, tab-separated text, Excel), in two steps:
//! the upload is read and every row checked by the same code as `mieruka measure import`
//! (`mieruka_app::measure_file`), and a preview shows the rows that would be added and the bad
//! rows (line, column, reason) — nothing is written. Confirming posts the same file again (it
//! travels inside the preview's form, base64-encoded with its SHA-256, so no server keeps it and
//! any instance can take the confirmation); it is checked again and written in one transaction,
//! all rows or, when asked explicitly, only the good ones (`mieruka_app::measure::apply`).
//!
//! Files come as `multipart/form-data`, read by `multipart.rs`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64ct::{Base64, Encoding};
use mieruka_app::measure::{self as use_measurements, Checked};
use mieruka_app::measure_file::{self, Columns, Field};
use mieruka_domain::Lang;
use mieruka_domain::plan::FieldError;
use mieruka_store::plans::PlanContext;

use super::entry::explain;
use super::format::{day, value};
use super::multipart::{Part, boundary, form_data};
use super::{Chrome, Viewer, WebError, render};
use crate::AppState;
use crate::auth::{Need, now};
use crate::error::{ApiError, RowProblem};

/// The SHA-256 of a file, in hex, which the confirmation must match.
fn digest(bytes: &[u8]) -> String {
    mieruka_domain::digest::sha256_hex(bytes)
}

fn text(parts: &[Part], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| String::from_utf8(p.data.clone()).ok())
}

/// A row of the preview.
struct PreviewRow {
    row: usize,
    unit: String,
    date: String,
    part: Option<String>,
    value: String,
    recorded: bool,
}

/// A bad row: its line in the file, the column and why.
struct BadRow {
    row: usize,
    column: String,
    reason: String,
}

/// The file, carried by the preview's form to the confirmation.
struct Carried {
    name: String,
    b64: String,
    digest: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    page: Chrome,
    org_code: String,
    plan_id: i64,
    kpi: String,
    problem: Option<String>,
    preview: Option<Preview>,
    done: Option<String>,
}

struct Preview {
    file: Carried,
    rows: usize,
    would_add: usize,
    already: usize,
    bad_rows: usize,
    good: Vec<PreviewRow>,
    bad: Vec<BadRow>,
}

/// The plan, as the entry page finds it, if the viewer may also enter measurements for it.
async fn plan_of(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    plan: &str,
) -> Result<PlanContext, WebError> {
    let ctx = super::entry::plan_of(state, viewer, code, plan).await?;
    if !super::entry::may_measure(viewer, &ctx) {
        return Err(
            ApiError::Forbidden("you may not enter measurements for this plan".into()).into(),
        );
    }
    Ok(ctx)
}

fn page_for(viewer: &Viewer, ctx: &PlanContext) -> ImportPage {
    let kpi = format!("{} {}", ctx.kpi.id, ctx.kpi.name.get(viewer.lang));
    ImportPage {
        page: viewer.org_chrome(
            format!("{} — {kpi}", viewer.t("web_import_title")),
            &ctx.org,
            "web_nav_dashboard",
        ),
        org_code: ctx.org.org.slug.as_str().to_string(),
        plan_id: ctx.plan.id.0,
        kpi,
        problem: None,
        preview: None,
        done: None,
    }
}

/// `GET /orgs/{org}/plans/{plan}/import`: the upload form.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, plan)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let ctx = plan_of(&state, &viewer, &code, &plan).await?;
    render(&page_for(&viewer, &ctx))
}

/// The file's rows checked against the plan, with rows in units the viewer may not measure
/// turned into bad rows.
async fn checked(
    state: &AppState,
    viewer: &Viewer,
    ctx: &PlanContext,
    name: &str,
    bytes: &[u8],
) -> Result<Result<(Checked, Vec<BadRow>, Vec<PreviewRow>), String>, WebError> {
    let lang = viewer.lang;
    let sheet = match measure_file::read(name, bytes, &state.settings.limits) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let columns = match Columns::from_header(&sheet.header) {
        Ok(c) => c,
        Err(e) => return Ok(Err(format!("{name}: {e}"))),
    };
    if !columns.has(Field::Unit) || !columns.has(Field::Date) {
        return Ok(Err(format!(
            "{name}: {}",
            viewer.t("web_import_need_columns")
        )));
    }
    let actor = viewer.who.actor();
    let file =
        measure_file::check(&state.store, &sheet, &columns, Some(ctx.plan.id.0), &actor).await?;
    let mut out = Checked {
        rows: file.rows,
        ..Checked::default()
    };
    let mut bad: Vec<BadRow> = file
        .problems
        .iter()
        .map(|p| BadRow {
            row: p.row,
            column: p.column.clone(),
            reason: reason(&p.field, &p.reason, lang),
        })
        .collect();
    out.problems = file
        .problems
        .iter()
        .map(|p| RowProblem {
            row: p.row,
            field: (!p.field.is_empty()).then(|| p.field.clone()),
            reason: p.reason.clone(),
        })
        .collect();
    let mut preview = Vec::new();
    for g in file.good {
        let m = g.measurement;
        let allowed = viewer
            .who
            .require_with(ctx.org.id, Need::Measure(m.unit), &ctx.units)
            .is_ok();
        if !allowed {
            let reason = viewer.t("web_import_err_unit_right");
            bad.push(BadRow {
                row: g.row,
                column: columns.header(Field::Unit),
                reason: reason.clone(),
            });
            out.problems.push(RowProblem {
                row: g.row,
                field: Some("unit".into()),
                reason,
            });
            continue;
        }
        preview.push(PreviewRow {
            row: g.row,
            unit: ctx
                .unit(&g.unit)
                .map_or_else(|| g.unit.clone(), |u| u.unit.name.clone()),
            date: day(m.measured_on, lang),
            part: m.part.clone(),
            value: value(&ctx.kpi, m.value.reading(), lang),
            recorded: g.recorded,
        });
        out.units.insert(m.unit);
        out.good.push((m, g.recorded));
    }
    bad.sort_by_key(|b| b.row);
    Ok(Ok((out, bad, preview)))
}

/// A checker's reason in the reader's words where it has them.
fn reason(field: &str, reason: &str, lang: Lang) -> String {
    let e = FieldError {
        field: field.to_string(),
        reason: reason.to_string(),
    };
    let words = explain(&e, lang);
    // `explain` leads with the field's label; the preview shows the column beside it already.
    words
        .split_once(": ")
        .map_or(words.clone(), |(_, r)| r.to_string())
}

/// `POST /orgs/{org}/plans/{plan}/import` (multipart): `file` → preview; `file_b64` with
/// `action=confirm` (or `confirm_skip`) → write.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, plan)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = plan_of(&state, &viewer, &code, &plan).await?;
    let mut out = page_for(&viewer, &ctx);
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(boundary);
    let parts = match boundary {
        Some(b) => form_data(body, &b).await,
        None => None,
    }
    .ok_or_else(|| ApiError::invalid("file", "send the form as multipart/form-data"))?;
    let action = text(&parts, "action").unwrap_or_default();
    let (name, bytes) = if let Some(b64) = text(&parts, "file_b64") {
        let bytes = Base64::decode_vec(b64.trim())
            .map_err(|_| ApiError::invalid("file_b64", "not base64"))?;
        if text(&parts, "digest").as_deref() != Some(digest(&bytes).as_str()) {
            return Err(ApiError::invalid("digest", "the file changed since its preview").into());
        }
        (text(&parts, "file_name").unwrap_or_default(), bytes)
    } else {
        match parts
            .iter()
            .find(|p| p.name == "file" && !p.data.is_empty())
        {
            Some(p) => (p.filename.clone().unwrap_or_default(), p.data.clone()),
            None => {
                out.problem = Some(viewer.t("web_import_choose_file"));
                return Ok((StatusCode::BAD_REQUEST, render(&out)?).into_response());
            }
        }
    };
    let (checked, bad, good) = match checked(&state, &viewer, &ctx, &name, &bytes).await? {
        Ok(c) => c,
        Err(problem) => {
            out.problem = Some(problem);
            return Ok((StatusCode::BAD_REQUEST, render(&out)?).into_response());
        }
    };
    if action == "confirm" || action == "confirm_skip" {
        let skip = action == "confirm_skip";
        let store = state.store.with_actor(&viewer.who.actor());
        if checked.invalid_rows() == 0 || skip {
            let report = use_measurements::apply(&store, checked, skip, false, now()).await?;
            let skipped = report.rows - report.added - report.already_recorded;
            out.done = Some(mieruka_domain::i18n::tr(
                viewer.lang,
                "web_import_done",
                &[
                    ("added", &report.added),
                    ("already", &report.already_recorded),
                    ("skipped", &skipped),
                ],
            ));
            return render(&out);
        }
        out.problem = Some(viewer.t("web_import_refused"));
    }
    let would_add = checked.good.iter().filter(|(_, r)| !r).count();
    out.preview = Some(Preview {
        file: Carried {
            digest: digest(&bytes),
            b64: Base64::encode_string(&bytes),
            name,
        },
        rows: checked.rows,
        would_add,
        already: checked.good.len() - would_add,
        bad_rows: checked.invalid_rows(),
        good,
        bad,
    });
    render(&out)
}
