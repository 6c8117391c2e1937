//! What people write for the board report, the one workflow of every front end: the strategy
//! story, each period's ask and checklist, the board's names of KPIs, the organisation's own
//! glossary terms and the report schedule (`mieruka report …`, the wizard's pages and
//! `PUT /api/v1/orgs/{org}/report-schedule`). Each value is validated by the domain
//! (`report::narrative`, `glossary`, `schedule`), and a refusal names its field.

use mieruka_domain::report::glossary::Term;
use mieruka_domain::report::narrative::{Ask, AskItem, Checklist, KpiWording, Step, Story};
use mieruka_domain::report::schedule::{NextReport, Schedule, parse_cadence};
use mieruka_domain::{Date, Timestamp};
use mieruka_store::orgs::StoredOrg;
use mieruka_store::{PlanId, Store, StoreError};

use crate::{AppError, Result};

/// Sets how often the board report is due (`cadence`: quarterly or half-yearly; `due_days`
/// after the period's end); returns the schedule and the next report due from `today`.
pub async fn set_schedule(
    store: &Store,
    org: &StoredOrg,
    cadence: &str,
    due_days: i64,
    today: Date,
    now: Timestamp,
) -> Result<(Schedule, NextReport)> {
    let cadence = parse_cadence(cadence)?;
    let schedule = Schedule { cadence, due_days }.validate()?;
    store.set_schedule(org.id, schedule, now).await?;
    let next = crate::report::next_due(store, org, today).await?;
    Ok((schedule, next))
}

/// Keeps the organisation's strategy story; returns it as kept.
pub async fn set_story(
    store: &Store,
    org: &StoredOrg,
    story: &Story,
    now: Timestamp,
) -> Result<Story> {
    let story = story.validate()?;
    store.set_story(org.id, &story, now).await?;
    Ok(story)
}

/// Replaces what the report for `period` asks of the board (no items clears it).
pub async fn set_ask(
    store: &Store,
    org: &StoredOrg,
    period: &str,
    items: Vec<AskItem>,
    now: Timestamp,
) -> Result<Ask> {
    let ask = Ask { items }.validate()?;
    store.set_ask(org.id, period, &ask, now).await?;
    Ok(ask)
}

/// A change to a period's five-step checklist: steps ticked, unticked, and notes per step.
#[derive(Debug, Clone, Default)]
pub struct ChecklistChange {
    pub done: Vec<Step>,
    pub undone: Vec<Step>,
    pub notes: Vec<(Step, String)>,
}

impl ChecklistChange {
    fn is_empty(&self) -> bool {
        self.done.is_empty() && self.undone.is_empty() && self.notes.is_empty()
    }

    fn apply(self, c: &mut Checklist) {
        c.set(&self.done, true);
        c.set(&self.undone, false);
        for (step, note) in self.notes {
            if let Some(s) = c.steps.iter_mut().find(|s| s.step == step) {
                s.note = note;
            }
        }
    }
}

/// Applies a change to the period's checklist (none: reads it); returns the checklist as kept.
pub async fn change_checklist(
    store: &Store,
    org: &StoredOrg,
    period: &str,
    change: ChecklistChange,
    now: Timestamp,
) -> Result<Checklist> {
    let mut c = store.checklist(org.id, period).await?;
    if !change.is_empty() {
        change.apply(&mut c);
        let c = c.validate()?;
        store.set_checklist(org.id, period, &c, now).await?;
        return Ok(c);
    }
    Ok(c)
}

/// The wizard's story is written: keeps it, ticks steps 1–4 of the period's checklist and notes
/// on step 5 (`note`) the draft plans that wait for the executives' agreement.
pub async fn story_written(
    store: &Store,
    org: &StoredOrg,
    period: &str,
    story: &Story,
    note: String,
    now: Timestamp,
) -> Result<Checklist> {
    set_story(store, org, story, now).await?;
    let change = ChecklistChange {
        done: vec![
            Step::Vision,
            Step::Challenges,
            Step::Purpose,
            Step::BusinessRisk,
        ],
        notes: vec![(Step::Kpis, note)],
        ..ChecklistChange::default()
    };
    change_checklist(store, org, period, change, now).await
}

/// The plans the executives agreed to complete step 5 of the checklist of each of `periods`.
pub async fn kpis_agreed(
    store: &Store,
    org: &StoredOrg,
    periods: &[String],
    now: Timestamp,
) -> Result<()> {
    for period in periods {
        let change = ChecklistChange {
            done: vec![Step::Kpis],
            ..ChecklistChange::default()
        };
        change_checklist(store, org, period, change, now).await?;
    }
    Ok(())
}

/// How drafts are listed in a note: `#12, #13`.
pub fn plan_list(plans: &[PlanId]) -> String {
    plans
        .iter()
        .map(|p| format!("#{}", p.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sets the board's name (and purpose) of a KPI of the catalogue or of the organisation.
pub async fn set_kpi_wording(
    store: &Store,
    org: &StoredOrg,
    kpi: &str,
    wording: &KpiWording,
    now: Timestamp,
) -> Result<KpiWording> {
    let wording = wording.validate()?;
    if let Err(StoreError::NotFound { .. }) = store.kpi_definition(Some(org.id), kpi).await {
        return Err(AppError::invalid(
            "kpi",
            format!(
                "`{kpi}` is not a KPI of the catalogue or of {}",
                org.org.slug.as_str()
            ),
        ));
    }
    store.set_kpi_wording(org.id, kpi, &wording, now).await?;
    Ok(wording)
}

/// Adds (or replaces) one of the organisation's own glossary terms.
pub async fn set_glossary_term(
    store: &Store,
    org: &StoredOrg,
    term: &Term,
    now: Timestamp,
) -> Result<Term> {
    let term = term.validate()?;
    store.set_glossary_term(org.id, &term, now).await?;
    Ok(term)
}

/// Removes one of the organisation's own glossary terms.
pub async fn remove_glossary_term(store: &Store, org: &StoredOrg, term: &str) -> Result<()> {
    match store.remove_glossary_term(org.id, term).await {
        Err(StoreError::NotFound { .. }) => Err(AppError::invalid(
            "term",
            format!(
                "`{term}` is not one of {}'s own terms",
                org.org.slug.as_str()
            ),
        )),
        other => Ok(other?),
    }
}
