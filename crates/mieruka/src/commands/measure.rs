//! `mieruka measure add | correct | list`: measurements (実績) one at a time.

use anyhow::{Result, anyhow, bail};
use mieruka_app::measure::{self, Correction};
use mieruka_domain::figures::entered;
use mieruka_domain::plan::{MeasuredValue, MeasurementInput, MeasurementSource};
use mieruka_domain::{Date, Lang};
use mieruka_store::measurements::StoredMeasurement;
use mieruka_store::plans::PlanContext;
use mieruka_store::{MeasurementId, PlanId};

use super::{AppResultExt, Ctx, now, parse_date, today, who};
use crate::cli::{MeasureCommand, ValueFields};
use crate::render::table;

/// Parses `START/END[/EFFORT]` with RFC 3339 UTC instants.
fn parse_event(s: &str) -> Result<(i64, i64, Option<f64>)> {
    let parts: Vec<&str> = s.split('/').collect();
    let (start, end, effort) = match parts.as_slice() {
        [a, b] => (a, b, None),
        [a, b, e] => (
            a,
            b,
            Some(
                e.parse::<f64>()
                    .map_err(|_| anyhow!("--event {s}: effort `{e}` is not a number"))?,
            ),
        ),
        _ => bail!("--event {s}: expected START/END or START/END/EFFORT"),
    };
    let instant = |t: &str| parse_instant(t).map_err(|e| anyhow!("--event {s}: {e}"));
    Ok((instant(start)?, instant(end)?, effort))
}

/// `YYYY-MM-DDTHH:MM[:SS]Z` → seconds since the epoch.
pub fn parse_instant(s: &str) -> Result<i64, String> {
    let bad = || format!("`{s}` is not an instant like 2026-11-01T09:30:00Z");
    let body = s.strip_suffix('Z').ok_or_else(bad)?;
    let (date, time) = body.split_once('T').ok_or_else(bad)?;
    let date = Date::parse(date).map_err(|_| bad())?;
    let mut hms = time.split(':').map(|p| p.parse::<i64>().map_err(|_| bad()));
    let h = hms.next().ok_or_else(bad)??;
    let m = hms.next().ok_or_else(bad)??;
    let sec = hms.next().transpose()?.unwrap_or(0);
    if hms.next().is_some()
        || !(0..24).contains(&h)
        || !(0..60).contains(&m)
        || !(0..61).contains(&sec)
    {
        return Err(bad());
    }
    Ok(date.days_since_epoch() * 86_400 + h * 3600 + m * 60 + sec)
}

fn input_from(unit: &str, date: Date, v: &ValueFields) -> Result<MeasurementInput> {
    let mut input = MeasurementInput {
        unit: unit.to_string(),
        date: date.to_string(),
        part: v.part.clone(),
        numerator: v.numerator,
        denominator: v.denominator,
        actual: v.actual,
        plan: v.plan_value,
        value: v.value,
        mean_hours: v.mean_hours,
        events: v.events,
        effort_hours: v.effort_hours,
        evidence: v.evidence.clone(),
    };
    if !v.events_list.is_empty() {
        if v.mean_hours.is_some() {
            bail!("give either --event or --mean-hours, not both");
        }
        let events = v
            .events_list
            .iter()
            .map(|e| parse_event(e))
            .collect::<Result<Vec<_>>>()?;
        match MeasuredValue::from_events(&events).map_err(|e| anyhow!("--event: {}", e.reason))? {
            MeasuredValue::Duration {
                total_hours,
                events,
                effort_hours,
            } => {
                input.mean_hours = Some(total_hours / events);
                input.events = Some(events);
                input.effort_hours = effort_hours.map(|e| e / events);
            }
            _ => unreachable!("events give a duration"),
        }
    }
    Ok(input)
}

pub async fn run(ctx: &Ctx, command: MeasureCommand) -> Result<()> {
    match command {
        MeasureCommand::Add {
            plan,
            unit,
            date,
            value,
            by,
        } => {
            let store = ctx.store().await?;
            let pc = store.plan_context(PlanId(plan)).await?;
            let date = match date {
                Some(d) => parse_date("--date", &d)?,
                None => today(),
            };
            let input = input_from(&unit, date, &value)?;
            let m = measure::add(
                &store,
                &pc,
                &input,
                MeasurementSource::Manual,
                &who(by),
                now(),
            )
            .await
            .cli()?;
            println!("{}", added_line(ctx.lang, &pc, &m));
            Ok(())
        }
        MeasureCommand::Correct {
            measurement,
            date,
            value,
            by,
        } => {
            let store = ctx.store().await?;
            let old = measure::find(&store, MeasurementId(measurement))
                .await
                .cli()?;
            let pc = store.plan_context(old.plan).await?;
            let date = match date {
                Some(d) => parse_date("--date", &d)?,
                None => old.measured_on,
            };
            let input = input_from(&old.unit_code, date, &value)?;
            let m = measure::correct(
                &store,
                &pc,
                &old,
                Correction::from_input(input),
                MeasurementSource::Manual,
                &who(by),
                now(),
            )
            .await
            .cli()?;
            println!("{}", added_line(ctx.lang, &pc, &m));
            Ok(())
        }
        MeasureCommand::List {
            plan,
            history,
            json,
        } => {
            let store = ctx.store().await?;
            let rows = if history {
                store.measurement_history(PlanId(plan)).await?
            } else {
                store.plan(PlanId(plan)).await?;
                store.current_measurements(PlanId(plan)).await?
            };
            if json {
                let items: Vec<_> = rows.iter().map(measurement_json).collect();
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else {
                println!("{}", measurement_table(ctx.lang, &rows));
            }
            Ok(())
        }
        MeasureCommand::Import(args) => super::measure_io::import(ctx, args).await,
        MeasureCommand::Export(args) => super::measure_io::export(ctx, args).await,
    }
}

fn added_line(lang: Lang, pc: &PlanContext, m: &StoredMeasurement) -> String {
    let reading = format_reading(&pc.kpi, &m.value);
    // Japanese names the unit, English gives its code.
    let unit = pc
        .units
        .iter()
        .find(|u| u.id == m.unit)
        .map_or("", |u| match lang {
            Lang::Ja => u.unit.name.as_str(),
            Lang::En => u.unit.code.as_str(),
        });
    let args: [(&str, &dyn std::fmt::Display); 6] = [
        ("id", &m.id),
        ("plan", &pc.plan.id),
        ("kpi", &pc.kpi.id),
        ("unit", &unit),
        ("date", &m.measured_on),
        ("reading", &reading),
    ];
    mieruka_domain::i18n::tr(lang, "cli_measure_recorded", &args)
}

pub use mieruka_app::measure::{format_reading, measurement_json};

fn measurement_table(lang: Lang, rows: &[StoredMeasurement]) -> String {
    let header: Vec<String> = std::iter::once("#".to_string())
        .chain(
            [
                "unit",
                "date",
                "part",
                "value",
                "source",
                "by",
                "recorded",
                "correction",
            ]
            .map(|c| mieruka_domain::i18n::tr(lang, &format!("cli_measure_col_{c}"), &[])),
        )
        .collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|m| {
            let correction = match (m.supersedes, m.superseded_by) {
                (_, Some(by)) => format!("→ #{by}"),
                (Some(old), None) => format!("#{old} →"),
                _ => String::new(),
            };
            vec![
                m.id.to_string(),
                m.unit_code.clone(),
                m.measured_on.to_string(),
                m.part.clone().unwrap_or_default(),
                entered(m.value.reading()),
                m.source.label(lang).to_string(),
                m.recorded_by.clone(),
                m.recorded_at.clone(),
                correction,
            ]
        })
        .collect();
    table(&header, &body)
}
