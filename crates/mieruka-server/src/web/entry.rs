//! Entering a measurement for a plan: a form shaped by the KPI's formula (ratio: numerator and
//! denominator; progress: actual and plan; count and score: a value; mean duration: mean hours,
//! events and effort; compound: a part and its ratio), checked as it is typed (htmx posts the
//! form to `…/measure/check`, which writes nothing) and checked again when saved. Corrections
//! start from the list of measurements in force and supersede the one corrected.
//!
//! Values go through the same path as every other entry: `MeasurementInput::parse` (via
//! `mieruka_app::measure`), whose reasons are shown in the reader's language by
//! [`explain`]. Contributors are offered only the units they may measure; the server refuses the
//! others.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_app::measure::to_new_measurement;
use mieruka_app::measure::{self as use_measurements, Correction};
use mieruka_domain::plan::{FieldError, MeasurementInput, MeasurementSource};
use mieruka_domain::{Formula, KpiDefinition, Lang, i18n};
use mieruka_store::MeasurementId;
use mieruka_store::plans::PlanContext;
use serde::Deserialize;

use super::format::{day, value};
use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::auth::{Need, now};
use crate::error::ApiError;

/// A field of the form: name, label, help and the value as typed.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub help: String,
    pub value: String,
    pub required: bool,
}

/// A measurement in force, with the link to correct it.
pub struct InForce {
    pub id: i64,
    pub unit: String,
    pub date: String,
    pub part: Option<String>,
    pub value: String,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    page: Chrome,
    org_code: String,
    plan_id: i64,
    kpi: String,
    formula_lead: String,
    units: Vec<(String, String, bool)>,
    parts: Vec<(String, String, bool)>,
    date: String,
    period_range: String,
    fields: Vec<Field>,
    evidence: String,
    /// The measurement being corrected.
    correct: Option<i64>,
    problems: Vec<String>,
    in_force: Vec<InForce>,
}

#[derive(Template)]
#[template(path = "entry_check.html")]
struct CheckFragment {
    problems: Vec<String>,
    ok: String,
}

#[derive(Debug, Deserialize)]
pub struct EntryQuery {
    pub correct: Option<i64>,
}

/// The value fields a KPI's formula needs, with the words the catalogue gives their terms.
fn value_fields(kpi: &KpiDefinition, lang: Lang) -> Vec<(&'static str, String, bool)> {
    let t = |x: &mieruka_domain::text::Text| x.get(lang).to_string();
    match &kpi.formula {
        Formula::Ratio {
            numerator,
            denominator,
        } => vec![
            ("numerator", t(numerator), true),
            ("denominator", t(denominator), true),
        ],
        Formula::Compound { .. } => vec![
            ("numerator", String::new(), true),
            ("denominator", String::new(), true),
        ],
        Formula::Progress { actual, plan } => {
            vec![("actual", t(actual), true), ("plan", t(plan), true)]
        }
        Formula::Count { counted } => vec![("value", t(counted), true)],
        Formula::Score { scored } => vec![("value", t(scored), true)],
        Formula::MeanDuration { from, to, effort } => {
            let mut v = vec![
                ("mean_hours", format!("{} → {}", t(from), t(to)), true),
                ("events", String::new(), false),
            ];
            if *effort {
                v.push(("effort_hours", String::new(), false));
            }
            v
        }
    }
}

/// The plan, if the viewer may see it and it belongs to the organisation in the path.
async fn plan_of(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    plan: &str,
) -> Result<PlanContext, WebError> {
    let plan: i64 = plan.parse().map_err(|_| ApiError::NotFound)?;
    let org = viewer.org(state, code).await?;
    let ctx = crate::routes::visible_plan(state, &viewer.who, plan).await?;
    if ctx.org.id != org.id {
        return Err(ApiError::NotFound.into());
    }
    Ok(ctx)
}

/// The plan's units the viewer may measure: (code, name).
fn measurable_units(viewer: &Viewer, ctx: &PlanContext) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for code in &ctx.plan.content.units {
        if let Some(u) = ctx.unit(code)
            && viewer
                .who
                .require_with(ctx.org.id, Need::Measure(u.id), &ctx.units)
                .is_ok()
        {
            out.push((code.clone(), u.unit.name.clone()));
        }
    }
    out
}

/// Whether the viewer may enter measurements for at least one of the plan's units (for showing
/// the link to the form).
pub fn may_measure(viewer: &Viewer, ctx: &PlanContext) -> bool {
    !measurable_units(viewer, ctx).is_empty()
}

/// A typed number: empty is absent; commas between thousands are allowed.
fn number(typed: &HashMap<String, String>, name: &str, lang: Lang) -> Result<Option<f64>, String> {
    let text = typed
        .get(name)
        .map(|s| s.trim().replace([',', '，'], ""))
        .unwrap_or_default();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!(
            "{}: {}",
            field_label(name, lang),
            i18n::tr(lang, "web_entry_err_number", &[])
        )),
    }
}

/// The form as a measurement input, or the fields that are not numbers.
fn input_of(typed: &HashMap<String, String>, lang: Lang) -> Result<MeasurementInput, Vec<String>> {
    let mut problems = Vec::new();
    let mut n = |name: &str| {
        number(typed, name, lang)
            .map_err(|e| problems.push(e))
            .ok()
            .flatten()
    };
    let input = MeasurementInput {
        numerator: n("numerator"),
        denominator: n("denominator"),
        actual: n("actual"),
        plan: n("plan"),
        value: n("value"),
        mean_hours: n("mean_hours"),
        events: n("events"),
        effort_hours: n("effort_hours"),
        unit: typed.get("unit").cloned().unwrap_or_default(),
        date: typed.get("date").cloned().unwrap_or_default(),
        part: typed.get("part").cloned().filter(|p| !p.trim().is_empty()),
        evidence: typed
            .get("evidence")
            .cloned()
            .filter(|e| !e.trim().is_empty()),
    };
    if problems.is_empty() {
        Ok(input)
    } else {
        Err(problems)
    }
}

/// A field's label in the reader's language.
fn field_label(field: &str, lang: Lang) -> String {
    let key = match field {
        "unit" | "date" | "part" | "evidence" | "numerator" | "denominator" | "actual" | "plan"
        | "value" | "mean_hours" | "events" | "effort_hours" => format!("web_entry_f_{field}"),
        "hours" => "web_entry_f_mean_hours".to_string(),
        _ => return field.to_string(),
    };
    i18n::tr(lang, &key, &[])
}

/// A domain check's reason in the reader's language: the field's label and what to do. The
/// domain's reasons are English sentences for logs and the API; each kind it gives has its
/// words here (a test walks every kind), and anything else is shown as the domain wrote it.
pub fn explain(e: &FieldError, lang: Lang) -> String {
    let r = e.reason.as_str();
    let key = if r == "missing" || r.starts_with("required for KPI") {
        "web_entry_err_missing"
    } else if e.field == "date" && !r.contains("outside the period") {
        "web_entry_err_date"
    } else if r.contains("outside the period") {
        "web_entry_err_outside_period"
    } else if r.contains("not in the plan's scope") || r.contains("has no unit") {
        "web_entry_err_unit_scope"
    } else if r.contains("cannot exceed 100%") {
        "web_entry_err_above_100"
    } else if r.contains("must be greater than 0") {
        "web_entry_err_positive"
    } else if r.contains("whole number of events") || r.contains("at least one event") {
        "web_entry_err_events"
    } else if r.contains("not a non-negative number") || r.contains("cannot be negative") {
        "web_entry_err_negative"
    } else if r.contains("is measured per part") || r.contains("has no part") {
        "web_entry_err_part"
    } else if r.contains("has no parts") {
        "web_entry_err_no_parts"
    } else if r.contains("is not a number") || r.contains("is a date, not a number") {
        "web_entry_err_number"
    } else {
        return format!("{}: {}", field_label(&e.field, lang), e.reason);
    };
    format!(
        "{}: {}",
        field_label(&e.field, lang),
        i18n::tr(lang, key, &[])
    )
}

/// Checks the form without writing: the reasons it would be refused, in the reader's words.
fn problems_of(
    ctx: &PlanContext,
    typed: &HashMap<String, String>,
    lang: Lang,
    by: &str,
) -> Vec<String> {
    match input_of(typed, lang) {
        Err(p) => p,
        Ok(input) => match to_new_measurement(ctx, &input, MeasurementSource::Manual, by, None) {
            Ok(_) => Vec::new(),
            Err(e) => vec![explain(&e, lang)],
        },
    }
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    ctx: &PlanContext,
    typed: &HashMap<String, String>,
    correct: Option<i64>,
    problems: Vec<String>,
) -> Result<EntryPage, WebError> {
    let lang = viewer.lang;
    let kpi = &ctx.kpi;
    let units = measurable_units(viewer, ctx);
    if units.is_empty() {
        return Err(
            ApiError::Forbidden("no unit of this plan may be measured by you".into()).into(),
        );
    }
    let chosen_unit = typed.get("unit").cloned().unwrap_or_default();
    let parts = match &kpi.formula {
        Formula::Compound { parts } => parts
            .iter()
            .map(|p| {
                let selected = typed.get("part") == Some(&p.key);
                (
                    p.key.clone(),
                    format!(
                        "{}（{} / {}）",
                        p.name.get(lang),
                        p.numerator.get(lang),
                        p.denominator.get(lang)
                    ),
                    selected,
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let today = now().date();
    let period = &ctx.period;
    let default_date = if period.contains(today) {
        today
    } else {
        period.end
    };
    let fields = value_fields(kpi, lang)
        .into_iter()
        .map(|(name, help, required)| Field {
            name,
            label: field_label(name, lang),
            help,
            value: typed.get(name).cloned().unwrap_or_default(),
            required,
        })
        .collect();
    let unit_name = |c: &str| {
        ctx.unit(c)
            .map_or_else(|| c.to_string(), |u| u.unit.name.clone())
    };
    let in_force = state
        .store
        .current_measurements(ctx.plan.id)
        .await?
        .into_iter()
        .rev()
        .filter(|m| units.iter().any(|(c, _)| *c == m.unit_code))
        .take(24)
        .map(|m| InForce {
            id: m.id.0,
            unit: unit_name(&m.unit_code),
            date: day(m.measured_on, lang),
            part: m.part.clone(),
            value: value(kpi, m.value.reading(), lang),
        })
        .collect();
    let org_code = ctx.org.org.slug.as_str().to_string();
    let title = format!(
        "{} — {} {}",
        viewer.t("web_entry_title"),
        kpi.id,
        kpi.name.get(lang)
    );
    Ok(EntryPage {
        page: viewer.org_chrome(title, &ctx.org, "web_nav_dashboard"),
        org_code,
        plan_id: ctx.plan.id.0,
        kpi: format!("{} {}", kpi.id, kpi.name.get(lang)),
        formula_lead: viewer.t(&format!("web_entry_lead_{}", kpi.formula.kind())),
        units: units
            .into_iter()
            .map(|(c, n)| {
                let selected = c == chosen_unit;
                (c, n, selected)
            })
            .collect(),
        parts,
        date: typed
            .get("date")
            .cloned()
            .unwrap_or_else(|| default_date.to_string()),
        period_range: format!("{}〜{}", day(period.start, lang), day(period.end, lang)),
        fields,
        evidence: typed.get("evidence").cloned().unwrap_or_default(),
        correct,
        problems,
        in_force,
    })
}

/// `GET /orgs/{org}/plans/{plan}/measure[?correct=ID]`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, plan)): Path<(String, String)>,
    Query(q): Query<EntryQuery>,
) -> Result<Response, WebError> {
    let ctx = plan_of(&state, &viewer, &code, &plan).await?;
    let mut typed = HashMap::new();
    if let Some(id) = q.correct {
        let old = use_measurements::find(&state.store, MeasurementId(id)).await?;
        if old.plan != ctx.plan.id || old.superseded_by.is_some() {
            return Err(ApiError::NotFound.into());
        }
        typed.insert("unit".to_string(), old.unit_code.clone());
        typed.insert("date".to_string(), old.measured_on.to_string());
        if let Some(p) = &old.part {
            typed.insert("part".to_string(), p.clone());
        }
        for (k, v) in correction_values(&ctx.kpi, &old.value) {
            typed.insert(k.to_string(), super::format::number(v).replace(',', ""));
        }
    }
    render(&build(&state, &viewer, &ctx, &typed, q.correct, Vec::new()).await?)
}

/// A stored value as the form's fields, to start a correction from.
fn correction_values(
    kpi: &KpiDefinition,
    v: &mieruka_domain::plan::MeasuredValue,
) -> Vec<(&'static str, f64)> {
    use mieruka_domain::plan::MeasuredValue as V;
    match (*v, &kpi.formula) {
        (
            V::Ratio {
                numerator,
                denominator,
            },
            Formula::Progress { .. },
        ) => vec![("actual", numerator), ("plan", denominator)],
        (
            V::Ratio {
                numerator,
                denominator,
            },
            _,
        ) => vec![("numerator", numerator), ("denominator", denominator)],
        (V::Count { value } | V::Score { value }, _) => vec![("value", value)],
        (
            V::Duration {
                total_hours,
                events,
                effort_hours,
            },
            _,
        ) => {
            let mut out = vec![("mean_hours", total_hours / events), ("events", events)];
            if let Some(e) = effort_hours {
                out.push(("effort_hours", e / events));
            }
            out
        }
    }
}

/// `POST /orgs/{org}/plans/{plan}/measure/check`: the form's problems as an inline fragment
/// (htmx, on change). Writes nothing.
pub async fn check(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, plan)): Path<(String, String)>,
    Form(typed): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let ctx = plan_of(&state, &viewer, &code, &plan).await?;
    let problems = problems_of(&ctx, &typed, viewer.lang, &viewer.who.actor());
    render(&CheckFragment {
        ok: viewer.t("web_entry_ok"),
        problems,
    })
}

/// `POST /orgs/{org}/plans/{plan}/measure`: records the measurement (or, with `correct`, the
/// correction) and returns to the plan; a refused entry shows the form again with the reasons.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, plan)): Path<(String, String)>,
    Form(typed): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let ctx = plan_of(&state, &viewer, &code, &plan).await?;
    let lang = viewer.lang;
    let correct: Option<i64> = typed
        .get("correct")
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| ApiError::invalid("correct", "not a measurement number"))
        })
        .transpose()?;
    let input = match input_of(&typed, lang) {
        Ok(i) => i,
        Err(problems) => return refused(&state, &viewer, &ctx, &typed, correct, problems).await,
    };
    // The unit decides the right: only those who may measure it write.
    let Some(unit) = ctx.unit(input.unit.trim()) else {
        let e = FieldError {
            field: "unit".into(),
            reason: "missing".into(),
        };
        let problems = vec![explain(&e, lang)];
        return refused(&state, &viewer, &ctx, &typed, correct, problems).await;
    };
    viewer
        .who
        .require_with(ctx.org.id, Need::Measure(unit.id), &ctx.units)?;
    let store = state.store.with_actor(&viewer.who.actor());
    let result = match correct {
        None => use_measurements::add(
            &store,
            &ctx,
            &input,
            MeasurementSource::Manual,
            store.actor(),
            now(),
        )
        .await
        .map_err(ApiError::from),
        Some(id) => {
            let old = use_measurements::find(&state.store, MeasurementId(id)).await?;
            if old.plan != ctx.plan.id {
                return Err(ApiError::NotFound.into());
            }
            viewer
                .who
                .require_with(ctx.org.id, Need::Measure(old.unit), &ctx.units)?;
            let c = Correction::from_input(input.clone());
            use_measurements::correct(
                &store,
                &ctx,
                &old,
                c,
                MeasurementSource::Manual,
                store.actor(),
                now(),
            )
            .await
            .map_err(ApiError::from)
        }
    };
    match result {
        Ok(_) => Ok(see_other(
            viewer.htmx,
            &format!("/orgs/{code}/plans/{}", ctx.plan.id.0),
        )),
        Err(ApiError::Invalid {
            field: Some(field),
            reason,
        }) => {
            let problems = vec![explain(&FieldError { field, reason }, lang)];
            refused(&state, &viewer, &ctx, &typed, correct, problems).await
        }
        Err(ApiError::Conflict(reason)) => {
            let problems = vec![format!("{}: {reason}", viewer.t("web_error_conflict"))];
            refused(&state, &viewer, &ctx, &typed, correct, problems).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refused(
    state: &AppState,
    viewer: &Viewer,
    ctx: &PlanContext,
    typed: &HashMap<String, String>,
    correct: Option<i64>,
    problems: Vec<String>,
) -> Result<Response, WebError> {
    let page = build(state, viewer, ctx, typed, correct, problems).await?;
    Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mieruka_domain::Catalogue;
    use mieruka_domain::period::Period;
    use mieruka_domain::plan::{PlanContent, PlanTarget, Purpose};

    /// Every reason the domain gives for a bad entry has its own words in both languages.
    #[test]
    fn every_domain_reason_is_explained_in_both_languages() {
        let cat = Catalogue::builtin().unwrap();
        let period = Period::parse("FY2026-H2", 4).unwrap();
        let plan_for = |target: f64| PlanContent {
            targets: vec![PlanTarget {
                part: None,
                value: target,
            }],
            baseline: None,
            deadline: period.end,
            trajectory: Vec::new(),
            purpose: Purpose {
                text: "x".into(),
                reduces: Vec::new(),
                effects: Vec::new(),
            },
            units: vec!["hq".into()],
            owner: "ciso".into(),
            agreement: None,
        };
        let ratio = cat
            .entries()
            .iter()
            .find(|k| matches!(k.formula, Formula::Ratio { .. }) && !k.may_exceed_100)
            .unwrap();
        let duration = cat
            .entries()
            .iter()
            .find(|k| matches!(k.formula, Formula::MeanDuration { .. }))
            .unwrap();
        let base = MeasurementInput {
            unit: "hq".into(),
            date: "2026-11-01".into(),
            numerator: Some(1.0),
            denominator: Some(2.0),
            ..MeasurementInput::default()
        };
        let cases: Vec<(&KpiDefinition, MeasurementInput)> = vec![
            (
                ratio,
                MeasurementInput {
                    unit: " ".into(),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    date: "2026/11/01".into(),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    date: "2026-02-01".into(),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    unit: "plant".into(),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    numerator: Some(3.0),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    denominator: Some(0.0),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    numerator: Some(-1.0),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    denominator: None,
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    part: Some("a".into()),
                    ..base.clone()
                },
            ),
            (
                duration,
                MeasurementInput {
                    mean_hours: Some(2.0),
                    events: Some(0.5),
                    ..MeasurementInput::default()
                }
                .with_place(&base),
            ),
            (
                duration,
                MeasurementInput {
                    mean_hours: Some(-2.0),
                    ..MeasurementInput::default()
                }
                .with_place(&base),
            ),
        ];
        for (kpi, input) in cases {
            let plan = plan_for(50.0);
            let e = input
                .parse(kpi, &plan, &period)
                .expect_err(&format!("{input:?} is refused"));
            for lang in [Lang::Ja, Lang::En] {
                let words = explain(&e, lang);
                assert!(
                    !words.contains(&e.reason),
                    "`{}` on {} has no words of its own: {words}",
                    e.reason,
                    e.field
                );
            }
            assert!(
                explain(&e, Lang::Ja).chars().any(|c| c > '\u{3000}'),
                "{e:?} reads as Japanese"
            );
        }
    }

    trait WithPlace {
        fn with_place(self, base: &MeasurementInput) -> MeasurementInput;
    }
    impl WithPlace for MeasurementInput {
        fn with_place(self, base: &MeasurementInput) -> MeasurementInput {
            MeasurementInput {
                unit: base.unit.clone(),
                date: base.date.clone(),
                ..self
            }
        }
    }

    /// Every value field a form may have, in the order forms show them.
    const VALUE_FIELDS: [&str; 8] = [
        "numerator",
        "denominator",
        "actual",
        "plan",
        "value",
        "mean_hours",
        "events",
        "effort_hours",
    ];

    /// The words built from names at run time are in the catalogue.
    #[test]
    fn field_and_formula_words_exist() {
        let keys = mieruka_domain::i18n::keys();
        for name in VALUE_FIELDS
            .iter()
            .chain(&["unit", "date", "part", "evidence"])
        {
            assert!(
                keys.contains(&format!("web_entry_f_{name}").as_str()),
                "{name}"
            );
        }
        for kind in [
            "ratio",
            "progress",
            "count",
            "mean_duration",
            "score",
            "compound",
        ] {
            assert!(
                keys.contains(&format!("web_entry_lead_{kind}").as_str()),
                "{kind}"
            );
        }
    }

    #[test]
    fn the_form_asks_for_the_terms_of_the_formula() {
        let cat = Catalogue::builtin().unwrap();
        for kpi in cat.entries() {
            let names: Vec<_> = value_fields(kpi, Lang::Ja).iter().map(|f| f.0).collect();
            let expected: &[&str] = match kpi.formula {
                Formula::Ratio { .. } | Formula::Compound { .. } => &["numerator", "denominator"],
                Formula::Progress { .. } => &["actual", "plan"],
                Formula::Count { .. } | Formula::Score { .. } => &["value"],
                Formula::MeanDuration { effort: true, .. } => {
                    &["mean_hours", "events", "effort_hours"]
                }
                Formula::MeanDuration { effort: false, .. } => &["mean_hours", "events"],
            };
            assert_eq!(names, expected, "{}", kpi.id);
            assert!(names.iter().all(|n| VALUE_FIELDS.contains(n)));
        }
    }
}
