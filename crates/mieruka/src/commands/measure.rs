//! `mieruka measure add | correct | list`: measurements (実績) one at a time.

use anyhow::{Result, anyhow, bail};
use mieruka_app::measure::{self, Correction};
use mieruka_domain::figures::entered;
use mieruka_domain::plan::{MeasuredValue, MeasurementInput, MeasurementSource};
use mieruka_domain::time::{Zone, parse_instant};
use mieruka_domain::{Date, Lang};
use mieruka_store::measurements::StoredMeasurement;
use mieruka_store::plans::PlanContext;
use mieruka_store::{MeasurementId, PlanId};

use super::{AppResultExt, Ctx, now, parse_date, today, who};
use crate::cli::{MeasureCommand, ValueFields};
use crate::render::table;

/// Parses `START/END[/EFFORT]`: two instants as `parse_instant` reads them (a time without a
/// zone is counted in the organisation's zone).
fn parse_event(s: &str, zone: &Zone) -> Result<(i64, i64, Option<f64>)> {
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
    let instant = |t: &str| {
        parse_instant(t.as_bytes(), zone).ok_or_else(|| {
            anyhow!("--event {s}: `{t}` is not an instant like 2026-11-01T09:30:00+09:00")
        })
    };
    Ok((instant(start)?, instant(end)?, effort))
}

fn input_from(unit: &str, date: Date, v: &ValueFields, zone: &Zone) -> Result<MeasurementInput> {
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
            .map(|e| parse_event(e, zone))
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
                None => today(&pc.org),
            };
            let input = input_from(&unit, date, &value, &pc.org.org.time_zone)?;
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
            let input = input_from(&old.unit_code, date, &value, &pc.org.org.time_zone)?;
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
                let items: Vec<_> = rows.iter().map(MeasurementView::from).collect();
                println!("{}", super::json_text(&items)?);
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

pub use mieruka_app::measure::{MeasurementView, format_reading};

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A time without a zone is counted in the organisation's zone: noon in Tokyo is 03:00 UTC.
    #[test]
    fn an_event_without_a_zone_is_in_the_organisations_zone() {
        let e = "2026-11-01T00:00:00Z/2026-11-01T12:00/2";
        let (start, end, effort) = parse_event(e, &Zone::tokyo()).unwrap();
        assert_eq!((end - start, effort), (3 * 3600, Some(2.0)));
        let (start, end, _) = parse_event(e, &Zone::utc()).unwrap();
        assert_eq!(end - start, 12 * 3600);
    }

    #[test]
    fn a_bad_event_names_itself() {
        let e = parse_event("2026-11-01T25:00Z/2026-11-02T00:00Z", &Zone::tokyo()).unwrap_err();
        assert!(
            e.to_string()
                .contains("`2026-11-01T25:00Z` is not an instant"),
            "{e}"
        );
        let e = parse_event("2026-11-01T00:00Z", &Zone::tokyo()).unwrap_err();
        assert!(e.to_string().contains("START/END"), "{e}");
    }
}
