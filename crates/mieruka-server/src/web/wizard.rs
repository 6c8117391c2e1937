//! The selection wizard (Fig. 6), for owners: five steps — the vision, the challenges, the
//! purpose and effect (with the loss estimate by category), where the cyber risk sits among
//! the business risks, and the KPIs for the organisation's stage — with a checklist ticked as
//! each step is complete. It recommends KPIs for the stage (`mieruka_domain::recommend`), warns
//! past the stage's guide and the model's 5–6 (it never blocks), and ends by creating draft plans
//! through the API's own use case (`mieruka_app::plan::create`) and asking for the executives'
//! agreement (`mieruka_app::plan::agree`).
//!
//! The steps' answers travel in the form from page to page (hidden fields), so no server keeps
//! them until the end. Creating the plans also saves the strategy story (Fig. 7: the vision as
//! the strategy, the challenges, the purpose as the solution, the investment) and the period's
//! checklist with steps 1–4 done; recording the executives' agreement ticks step 5. The board
//! report reads both. A later run of the wizard starts from the saved story.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_app::plan::{
    self as plans, AgreementInput, NewPlan, PurposeInput, chosen_in, default_targets,
};
use mieruka_app::status::resolve_period;
use mieruka_app::{AppError, loss, narrative, risks};
use mieruka_domain::plan::{LossCategory, PlanTarget};
use mieruka_domain::recommend::{CountAdvice, recommend};
use mieruka_domain::report::narrative::{BoardText, Story};
use mieruka_domain::text::Lang;
use mieruka_domain::{Date, Formula};
use mieruka_store::PlanId;
use mieruka_store::orgs::StoredOrg;

use super::format::{day, value, yen};
use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::auth::{Need, now};
use crate::error::ApiError;

/// The answers so far, as the form carries them.
#[derive(Debug, Default, Clone)]
struct Answers {
    vision: String,
    challenges: String,
    purpose: String,
    /// What the measures cost (optional; the story keeps the last one written).
    investment: String,
    reduces: Vec<String>,
    risk_reviewed: bool,
    kpis: Vec<String>,
    units: Vec<String>,
    deadline: String,
    /// Typed targets: (KPI id, text).
    targets: Vec<(String, String)>,
}

impl Answers {
    fn from_form(fields: &[(String, String)]) -> Answers {
        let mut a = Answers::default();
        for (k, v) in fields {
            match k.as_str() {
                "vision" => a.vision = v.clone(),
                "challenges" => a.challenges = v.clone(),
                "purpose" => a.purpose = v.clone(),
                "investment" => a.investment = v.clone(),
                "reduces" => a.reduces.push(v.clone()),
                "risk_reviewed" => a.risk_reviewed = v == "1",
                "kpis" => a.kpis.push(v.clone()),
                "units" => a.units.push(v.clone()),
                "deadline" => a.deadline = v.clone(),
                _ => {
                    if let Some(id) = k.strip_prefix("target_") {
                        a.targets.push((id.to_string(), v.clone()));
                    }
                }
            }
        }
        a
    }

    /// Whether each of the five steps is complete.
    fn done(&self) -> [bool; 5] {
        [
            !self.vision.trim().is_empty(),
            !self.challenges.trim().is_empty(),
            !self.purpose.trim().is_empty() && !self.reduces.is_empty(),
            self.risk_reviewed,
            !self.kpis.is_empty() && !self.units.is_empty(),
        ]
    }

    fn target(&self, kpi: &str) -> String {
        self.targets
            .iter()
            .find(|(k, _)| k == kpi)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// The strategy story the wizard's answers make, written over `saved` in the viewer's language:
/// in Japanese the Japanese text is replaced and a written English kept; in English the English
/// is replaced and the Japanese kept (or, when there is none, the English stands for both, as
/// the story needs its Japanese). Refused, naming the field, when a text is too long.
fn story_of(
    a: &Answers,
    saved: Option<&Story>,
    lang: Lang,
) -> Result<Story, mieruka_domain::plan::FieldError> {
    // Not written yet: said in both languages, whichever the viewer reads.
    let pending = |l: Lang| mieruka_domain::i18n::tr(l, "web_wizard_investment_pending", &[]);
    let text = |field: &str, typed: &str, old: Option<&BoardText>| {
        let old = old.cloned().unwrap_or_default();
        let typed = typed.trim();
        match lang {
            Lang::Ja => BoardText::parse(field, typed, &old.en),
            Lang::En if old.ja.is_empty() => BoardText::parse(field, typed, typed),
            Lang::En => BoardText::parse(field, &old.ja, typed),
        }
    };
    let investment = match (a.investment.trim(), saved) {
        ("", Some(s)) => s.investment.clone(),
        ("", None) => BoardText::parse("investment", &pending(Lang::Ja), &pending(Lang::En))?,
        (typed, s) => text("investment", typed, s.map(|s| &s.investment))?,
    };
    Ok(Story {
        strategy: text("strategy", &a.vision, saved.map(|s| &s.strategy))?,
        challenge: text("challenge", &a.challenges, saved.map(|s| &s.challenge))?,
        solution: text("solution", &a.purpose, saved.map(|s| &s.solution))?,
        investment,
        investment_yen: saved.and_then(|s| s.investment_yen),
    })
}

/// The answers a new run of the wizard starts from: the saved story, in the viewer's language.
fn answers_from(story: Option<&Story>, lang: Lang) -> Answers {
    let Some(s) = story else {
        return Answers::default();
    };
    Answers {
        vision: s.strategy.get(lang).to_string(),
        challenges: s.challenge.get(lang).to_string(),
        purpose: s.solution.get(lang).to_string(),
        investment: s.investment.get(lang).to_string(),
        ..Answers::default()
    }
}

/// Saves the story and ticks steps 1–4 of the period's checklist, noting on step 5 the drafts
/// that wait for the executives' agreement.
async fn keep_story(
    state: &AppState,
    viewer: &Viewer,
    org: &StoredOrg,
    period: &str,
    story: &Story,
    plans: &[PlanId],
) -> Result<(), ApiError> {
    let store = state.store.with_actor(&viewer.who.actor());
    let drafts = narrative::plan_list(plans);
    let note =
        mieruka_domain::i18n::tr(viewer.lang, "web_wizard_drafts_note", &[("plans", &drafts)]);
    narrative::story_written(&store, org, period, story, note, now()).await?;
    Ok(())
}

/// A KPI offered at step 5.
struct KpiChoice {
    id: String,
    name: String,
    chosen: bool,
    /// The catalogue's target, shown as the default.
    default_target: String,
    /// A single target may be typed (compound KPIs keep the catalogue's targets).
    single: bool,
    target: String,
    unit: &'static str,
}

struct KpiGroup {
    kind: &'static str,
    kpis: Vec<KpiChoice>,
}

#[derive(Template)]
#[template(path = "wizard.html")]
struct WizardPage {
    page: Chrome,
    org_code: String,
    step: u8,
    steps: Vec<(u8, String, bool)>,
    a: Answers,
    stage: &'static str,
    period: String,
    /// Loss now by category: (code, label, amount), when the loss inputs exist.
    categories: Vec<(&'static str, String, String)>,
    loss_total: Option<String>,
    risk_svg: Option<String>,
    /// The cyber risk's impact level now and after the plans.
    cyber: Option<(u8, u8)>,
    groups: Vec<KpiGroup>,
    units: Vec<(String, String)>,
    advice: String,
    advice_warn: bool,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "wizard_done.html")]
struct DonePage {
    page: Chrome,
    org_code: String,
    plans: Vec<(i64, String, String, String)>,
    today: String,
    problem: Option<String>,
}

const STEP_KEYS: [&str; 5] = [
    "web_wizard_step_vision",
    "web_wizard_step_challenges",
    "web_wizard_step_purpose",
    "web_wizard_step_risk",
    "web_wizard_step_kpis",
];

async fn owner_org(state: &AppState, viewer: &Viewer, code: &str) -> Result<StoredOrg, WebError> {
    let org = viewer.org(state, code).await?;
    viewer
        .who
        .require(&state.store, org.id, Need::Manage)
        .await?;
    Ok(org)
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    org: &StoredOrg,
    step: u8,
    a: Answers,
    problem: Option<String>,
) -> Result<WizardPage, WebError> {
    let lang = viewer.lang;
    let today = org.org.today(now());
    let period = resolve_period(&state.store, org, None, today).await?;
    let (categories, loss_total) = match loss::org_loss(&state.store, org, today).await {
        Ok(l) if l.report.now.categories.len() == LossCategory::ALL.len() => (
            LossCategory::ALL
                .iter()
                .zip(&l.report.now.categories)
                .map(|(c, f)| (c.code(), c.label(lang).to_string(), yen(f.amount_yen, lang)))
                .collect(),
            Some(yen(l.report.now.total_yen, lang)),
        ),
        Ok(_) | Err(AppError::NoLossInputs(_)) => (Vec::new(), None),
        Err(e) => return Err(e.into()),
    };
    let reg = risks::load(&state.store, org, today).await?;
    let (risk_svg, cyber) = if reg.risks.is_empty() {
        (None, None)
    } else {
        (
            Some(risks::matrix_svg(lang, org, &reg)),
            reg.cyber.as_ref().map(|c| (c.now_level, c.after_level)),
        )
    };
    let defs = state.store.kpi_definitions(Some(org.id)).await?;
    let existing = chosen_in(&state.store, org, &period.id).await?;
    let chosen = existing + a.kpis.len();
    let rec = recommend(defs.iter().map(|d| &d.definition), org.org.maturity, chosen);
    let groups = rec
        .groups
        .iter()
        .map(|(kind, list)| KpiGroup {
            kind: kind.label(lang),
            kpis: list
                .iter()
                .map(|k| {
                    let id = k.id.to_string();
                    let defaults = default_targets(k).unwrap_or_default();
                    KpiChoice {
                        chosen: a.kpis.contains(&id),
                        name: k.name.get(lang).to_string(),
                        default_target: defaults
                            .iter()
                            .map(|t| value(k, t.value, lang))
                            .collect::<Vec<_>>()
                            .join("、"),
                        single: !matches!(k.formula, Formula::Compound { .. }),
                        target: a.target(&id),
                        unit: k
                            .formula
                            .target_units()
                            .first()
                            .map_or("", |u| u.label(lang)),
                        id,
                    }
                })
                .collect(),
        })
        .collect();
    let (low, high) = rec.suggested;
    let advice_key = match rec.advice {
        CountAdvice::RoomForMore => "web_wizard_advice_more",
        CountAdvice::Balanced => "web_wizard_advice_balanced",
        CountAdvice::AboveStage => "web_wizard_advice_above_stage",
        CountAdvice::TooMany => "web_wizard_advice_too_many",
    };
    let advice = mieruka_domain::i18n::tr(
        lang,
        advice_key,
        &[
            ("chosen", &chosen),
            ("existing", &existing),
            ("low", &low),
            ("high", &high),
        ],
    );
    let done = a.done();
    let mut a = a;
    if a.deadline.is_empty() {
        a.deadline = period.end.to_string();
    }
    Ok(WizardPage {
        page: viewer.org_chrome(
            format!("{} — {}", viewer.t("web_wizard_title"), org.org.name),
            org,
            "web_nav_dashboard",
        ),
        org_code: org.org.slug.as_str().to_string(),
        step,
        steps: STEP_KEYS
            .iter()
            .enumerate()
            .map(|(i, k)| (i as u8 + 1, viewer.t(k), done[i]))
            .collect(),
        a,
        stage: org.org.maturity.label(lang),
        period: format!(
            "{}（{}〜{}）",
            period.id,
            day(period.start, lang),
            day(period.end, lang)
        ),
        categories,
        loss_total,
        risk_svg,
        cyber,
        groups,
        units: state
            .store
            .units(org.id)
            .await?
            .into_iter()
            .map(|u| (u.unit.code.as_str().to_string(), u.unit.name))
            .collect(),
        advice,
        advice_warn: matches!(rec.advice, CountAdvice::AboveStage | CountAdvice::TooMany),
        problem,
    })
}

/// `GET /orgs/{org}/wizard`: the first step.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let org = owner_org(&state, &viewer, &code).await?;
    let saved = state.store.story(org.id).await?;
    let answers = answers_from(saved.as_ref(), viewer.lang);
    render(&build(&state, &viewer, &org, 1, answers, None).await?)
}

/// `POST /orgs/{org}/wizard`: move to step `go` (or stay on `step`) carrying the answers, or,
/// with `create`, create the draft plans. Nothing but the plans is written.
pub async fn step(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let org = owner_org(&state, &viewer, &code).await?;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let a = Answers::from_form(&fields);
    let current: u8 = get("step").and_then(|s| s.parse().ok()).unwrap_or(1);
    if get("create").is_none() {
        let go: u8 = get("go")
            .and_then(|s| s.parse().ok())
            .unwrap_or(current)
            .clamp(1, 5);
        return render(&build(&state, &viewer, &org, go, a, None).await?);
    }
    // Every step must be complete before plans are made; the first one missing is shown.
    if let Some(missing) = a.done().iter().position(|d| !d) {
        let step_name = viewer.t(STEP_KEYS[missing]);
        let problem =
            mieruka_domain::i18n::tr(viewer.lang, "web_wizard_incomplete", &[("n", &step_name)]);
        let page = build(&state, &viewer, &org, missing as u8 + 1, a, Some(problem)).await?;
        return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
    }
    // The story is checked before anything is written, so a text too long creates nothing.
    let saved = state.store.story(org.id).await?;
    let story = match story_of(&a, saved.as_ref(), viewer.lang) {
        Ok(s) => s,
        Err(e) => {
            let problem = format!("{}: {}", e.field, e.reason);
            let page = build(&state, &viewer, &org, 1, a, Some(problem)).await?;
            return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
        }
    };
    match create(&state, &viewer, &org, &a).await {
        Ok((period, created)) => {
            keep_story(&state, &viewer, &org, &period, &story, &created).await?;
            done_page(&state, &viewer, &org, &created, None).await
        }
        Err(problem) => {
            let page = build(&state, &viewer, &org, 5, a, Some(problem)).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}

/// Creates one draft plan per chosen KPI; stops at the first refusal, naming the KPI and the
/// plans already made.
async fn create(
    state: &AppState,
    viewer: &Viewer,
    org: &StoredOrg,
    a: &Answers,
) -> Result<(String, Vec<PlanId>), String> {
    let lang = viewer.lang;
    let deadline = Date::parse(a.deadline.trim()).map_err(|_| {
        format!(
            "{}: {}",
            viewer.t("web_deadline"),
            viewer.t("web_entry_err_date")
        )
    })?;
    let period = resolve_period(&state.store, org, None, org.org.today(now()))
        .await
        .map_err(|e| e.to_string())?;
    let reduces: Vec<LossCategory> = a.reduces.iter().filter_map(|c| c.parse().ok()).collect();
    let mut created = Vec::new();
    for kpi in &a.kpis {
        let typed = a.target(kpi).trim().replace([',', '%', '％'], "");
        let targets = if typed.is_empty() {
            None
        } else {
            match typed.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(vec![PlanTarget {
                    part: None,
                    value: v,
                }]),
                _ => {
                    return Err(format!(
                        "{kpi} {}: {}",
                        viewer.t("web_target"),
                        viewer.t("web_entry_err_number")
                    ));
                }
            }
        };
        let new = NewPlan {
            period: period.id.clone(),
            from: None,
            to: None,
            kpi: kpi.clone(),
            targets,
            baseline: None,
            deadline: Some(deadline),
            trajectory: Vec::new(),
            purpose: PurposeInput {
                text: a.purpose.clone(),
                reduces: reduces.clone(),
                effects: Vec::new(),
            },
            units: a.units.clone(),
            owner: None,
        };
        let store = state.store.with_actor(&viewer.who.actor());
        match plans::create(&store, org, new, &viewer.who.actor(), now()).await {
            Ok((id, _)) => created.push(id),
            Err(e) => {
                let why = match e.field() {
                    Some(f) => format!("{f}: {}", e.reason()),
                    None => ApiError::from(e).to_string(),
                };
                let made = narrative::plan_list(&created);
                return Err(mieruka_domain::i18n::tr(
                    lang,
                    "web_wizard_create_failed",
                    &[("kpi", kpi), ("why", &why), ("made", &made)],
                ));
            }
        }
    }
    Ok((period.id, created))
}

async fn done_page(
    state: &AppState,
    viewer: &Viewer,
    org: &StoredOrg,
    created: &[PlanId],
    problem: Option<String>,
) -> Result<Response, WebError> {
    let lang = viewer.lang;
    let code = org.org.slug.as_str().to_string();
    let mut plans = Vec::new();
    for id in created {
        let ctx = state.store.plan_context(*id).await?;
        let targets = ctx
            .plan
            .content
            .targets
            .iter()
            .map(|t| value(&ctx.kpi, t.value, lang))
            .collect::<Vec<_>>()
            .join("、");
        plans.push((
            id.0,
            format!("{} {}", ctx.kpi.id, ctx.kpi.name.get(lang)),
            targets,
            day(ctx.plan.content.deadline, lang),
        ));
    }
    let page = DonePage {
        page: viewer.org_chrome(
            format!("{} — {}", viewer.t("web_wizard_done_title"), org.org.name),
            org,
            "web_nav_dashboard",
        ),
        org_code: code,
        plans,
        today: org.org.today(now()).to_string(),
        problem,
    };
    render(&page)
}

/// `POST /orgs/{org}/wizard/agreement`: records the executives' agreement on the draft plans
/// the wizard made (each becomes agreed), then shows the dashboard.
pub async fn agreement(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let org = owner_org(&state, &viewer, &code).await?;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let ids: Vec<PlanId> = fields
        .iter()
        .filter(|(k, _)| k == "plan")
        .filter_map(|(_, v)| v.parse().ok().map(PlanId))
        .collect();
    let by = get("by").unwrap_or_default();
    let on = match get("on").filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(Date::parse(s.trim()).map_err(|e| ApiError::invalid("on", e))?),
        None => None,
    };
    if by.trim().is_empty() {
        let problem = Some(viewer.t("web_wizard_agreement_who"));
        let resp = done_page(&state, &viewer, &org, &ids, problem).await?;
        return Ok((StatusCode::BAD_REQUEST, resp).into_response());
    }
    let store = state.store.with_actor(&viewer.who.actor());
    // Step 5 is complete once the KPIs are agreed: it is ticked in the periods of the plans.
    let mut periods: Vec<String> = Vec::new();
    for id in &ids {
        let ctx = crate::routes::visible_plan(&state, &viewer.who, id.0).await?;
        if ctx.org.id != org.id {
            return Err(ApiError::NotFound.into());
        }
        let input = AgreementInput { by: by.clone(), on };
        plans::agree(&store, &ctx, input, &viewer.who.actor(), now()).await?;
        if !periods.contains(&ctx.period.id) {
            periods.push(ctx.period.id.clone());
        }
    }
    narrative::kpis_agreed(&store, &org, &periods, now()).await?;
    Ok(see_other(viewer.htmx, &format!("/orgs/{code}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(investment: &str) -> Answers {
        Answers {
            vision: "Lead Asia in air conditioning".into(),
            challenges: "Outages at overseas plants".into(),
            purpose: "Keep the plants running".into(),
            investment: investment.into(),
            ..Answers::default()
        }
    }

    #[test]
    fn the_story_is_written_in_the_readers_language_over_what_was_saved() {
        // English, nothing saved: the English stands for both; the investment not yet known is
        // said in each language.
        let s = story_of(&answers(""), None, Lang::En).unwrap();
        assert_eq!(s.strategy.ja, "Lead Asia in air conditioning");
        assert_eq!(s.strategy.en, "Lead Asia in air conditioning");
        assert_eq!(s.investment.ja, "投資額は検討中です。");
        assert_eq!(s.investment.en, "The investment is still being worked out.");
        // Japanese over that: the Japanese is replaced, the English kept; the investment stays.
        let mut ja = answers("");
        ja.vision = "アジアで選ばれる空調メーカーになる".into();
        let t = story_of(&ja, Some(&s), Lang::Ja).unwrap();
        assert_eq!(t.strategy.ja, "アジアで選ばれる空調メーカーになる");
        assert_eq!(t.strategy.en, "Lead Asia in air conditioning");
        assert_eq!(t.investment, s.investment);
        // Too long: refused with the field.
        let long = answers(&"x".repeat(2_001));
        let e = story_of(&long, None, Lang::Ja).unwrap_err();
        assert_eq!(e.field, "investment.ja");
    }
}
