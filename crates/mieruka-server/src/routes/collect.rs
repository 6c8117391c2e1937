//! Collecting figures from an uploaded export: `POST /api/v1/orgs/{org}/collect/{connector}`
//! with the file as the body. The connector runs off the async runtime; with `write=true` its
//! figures are recorded through `mieruka_app::collect`, all or nothing, once per file.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use mieruka_app::collect::{self, Evidence, Recording, Run, Written};
use mieruka_app::limits::Limits;
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::route::{Answer, Kind, Param, Route, who};
use super::{date_or_today, visible_org};
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

const PERIOD: Param = Param {
    name: "period",
    kind: Kind::Text,
    description: "The period whose plans receive the measurements (default: the half-year containing the date).",
    example: "FY2026-H2",
};
const WRITE: Param = Param {
    name: "write",
    kind: Kind::Boolean,
    description: "Record the figures as measurements (default: only compute them).",
    example: "false",
};
const DATE: Param = Param {
    name: "date",
    kind: Kind::Date,
    description: "Date of the measurements and as-of date of \"seen recently\" (default today in the organisation's time zone, which also counts the file's times written without a zone).",
    example: "2026-11-20",
};
const UNIT: Param = Param {
    name: "unit",
    kind: Kind::Text,
    description: "The unit receiving figures when the data has no business unit.",
    example: "security",
};
const STRICT: Param = Param {
    name: "strict",
    kind: Kind::Boolean,
    description: "Refuse the whole file at the first bad row.",
    example: "true",
};
const NAME: Param = Param {
    name: "name",
    kind: Kind::Text,
    description: "The file's name, recorded in the evidence (default `upload`).",
    example: "findings.csv",
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/v1/orgs/{org}/collect/{connector}", upload)
            .doc(
                "collect",
                "Compute a connector's figures from an exported file sent as the body (vulnerabilities, defectdojo, gophish, openscap, assets, incidents, training); with write=true record them as measurements, once per file",
            )
            .who(who::MEASURE)
            .query(&[PERIOD, WRITE, DATE, UNIT, STRICT, NAME])
            .file()
            .answers(Answer::of::<CollectResult>()),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CollectQuery {
    period: Option<String>,
    #[serde(default)]
    write: bool,
    date: Option<String>,
    unit: Option<String>,
    #[serde(default)]
    strict: bool,
    name: Option<String>,
}

/// Owners, administrators and contributors may collect; viewers and auditors may not.
fn may_collect(who: &Principal, org: &StoredOrg) -> Result<(), ApiError> {
    if who.is_admin {
        return Ok(());
    }
    match who.membership(org.id).map(|m| m.role.as_str()) {
        Some("owner" | "contributor") => Ok(()),
        Some(role) => Err(ApiError::Forbidden(format!(
            "a {role} may not collect figures"
        ))),
        None => Err(ApiError::NotFound),
    }
}

async fn upload(
    State(state): State<AppState>,
    who: Principal,
    UrlPath((org, connector)): UrlPath<(String, String)>,
    Params(q): Params<CollectQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<CollectResult>, ApiError> {
    let org = visible_org(&state, &who, &org).await?;
    may_collect(&who, &org)?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::invalid("file", "the body could not be read")
        }
    })?;
    let kpis = collect::kpis_of(&connector)?;
    let date = date_or_today(&org, "date", q.date.as_deref())?;
    let name = q.name.clone().unwrap_or_else(|| "upload".into());
    let answer = run(
        &state.store,
        &who,
        &org,
        Upload {
            connector,
            kpis,
            bytes: body,
            name,
            date,
            limits: state.settings.limits,
            query: q,
        },
    )
    .await?;
    Ok(Json(answer))
}

/// What a connector computed from a file and, with `write=true`, what was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(example = CollectResult::example())]
pub struct CollectResult {
    /// The connector that read the file.
    pub connector: String,
    /// The period whose plans receive the measurements.
    pub period: String,
    /// The connector's figures and counts (read, accepted, rejected, first_rejected), as
    /// `mieruka collect … --json` prints them.
    #[schemars(with = "Map<String, Value>")]
    pub report: Value,
    /// The catalogue KPI figures: `{kpi, business_unit, value: {kind: ratio|progress|mean_duration, …}}`.
    #[schemars(with = "Vec<Map<String, Value>>")]
    pub figures: Value,
    /// With `write=true`, what was recorded; null otherwise.
    pub written: Option<Written>,
}

impl CollectResult {
    fn example() -> CollectResult {
        CollectResult {
            connector: "gophish".into(),
            period: "FY2026-H2".into(),
            report: json!({ "read": 50, "accepted": 50, "rejected": 0, "first_rejected": null }),
            figures: json!([{
                "kpi": "M.2.3",
                "business_unit": null,
                "value": { "kind": "ratio", "numerator": 36.0, "denominator": 50.0 },
            }]),
            written: Some(Written {
                period: "FY2026-H2".into(),
                added: 1,
                already_recorded: 0,
                unmatched: Vec::new(),
                evidence: "campaign.csv sha256:3a7bd3e2360a3d29".into(),
            }),
        }
    }
}

/// One file to run and, maybe, record.
pub struct Upload {
    pub connector: String,
    pub kpis: &'static [&'static str],
    pub bytes: Bytes,
    pub name: String,
    pub date: mieruka_domain::Date,
    /// What reading the file may cost (a workbook is read whole).
    pub limits: Limits,
    query: CollectQuery,
}

impl Upload {
    /// An inbox file: recorded for the current period, as of today in the organisation's time
    /// zone.
    pub fn inbox(
        org: &StoredOrg,
        limits: Limits,
        connector: String,
        kpis: &'static [&'static str],
        bytes: Bytes,
        name: String,
    ) -> Upload {
        Upload {
            connector,
            kpis,
            bytes,
            name,
            date: org.org.today(now()),
            limits,
            query: CollectQuery {
                period: None,
                write: true,
                date: None,
                unit: None,
                strict: false,
                name: None,
            },
        }
    }
}

/// Runs the connector and, when asked, records its figures (checking `who` may write for every
/// unit they go to). Shared by the upload route and the inbox folder.
pub async fn run(
    store: &Store,
    who: &Principal,
    org: &StoredOrg,
    u: Upload,
) -> Result<CollectResult, ApiError> {
    let period =
        mieruka_app::status::resolve_period(store, org, u.query.period.as_deref(), u.date).await?;
    let plans = if u.query.write {
        Some(collect::plans_for(store, org, &period, u.kpis).await?)
    } else {
        None
    };
    let mut how = Run::on(u.date, org.org.time_zone.clone(), u.query.strict);
    how.limits = u.limits;
    let (connector, bytes, name) = (u.connector.clone(), u.bytes.clone(), u.name.clone());
    let computed =
        tokio::task::spawn_blocking(move || collect::compute(&connector, &bytes[..], &name, how))
            .await
            .map_err(|e| ApiError::Internal(format!("the connector stopped: {e}")))??;
    let mut written = None;
    if let Some(plans) = plans {
        let evidence = Evidence::of_bytes(&u.name, &u.bytes);
        let actor = who.actor();
        let recording = Recording {
            date: u.date,
            evidence: &evidence,
            recorded_by: &actor,
            default_unit: u.query.unit.as_deref(),
        };
        let (batch, unmatched) = collect::measurements(&plans, &computed.figures, &recording)?;
        let units = store.units(org.id).await?;
        for m in &batch {
            who.require_with(org.id, Need::Measure(m.unit), &units)?;
        }
        let store = store.with_actor(&actor);
        let done = collect::write(&store, &period, &batch, unmatched, &evidence, now()).await?;
        written = Some(done);
    }
    Ok(CollectResult {
        connector: u.connector,
        period: period.id,
        report: computed.report,
        figures: json!(computed.figures),
        written,
    })
}
