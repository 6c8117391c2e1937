//! Checking an import file's rows: each row becomes a measurement validated by the domain against
//! its plan (KPI formula, scope, period), or a problem naming the row, the column as the file
//! writes it, and the reason. Each good row carries its import key (`mieruka_app::import_key`),
//! which makes a re-import add nothing.

use std::collections::{HashMap, HashSet};

use crate::import_key::{keys_in_force, new_measurement_key};
use mieruka_domain::plan::{MeasurementInput, MeasurementSource};
use mieruka_domain::text::normalise;
use mieruka_domain::{Formula, KpiDefinition};
use mieruka_store::measurements::NewMeasurement;
use mieruka_store::plans::PlanContext;
use mieruka_store::{PlanId, Store, StoreError};

use super::columns::{self, Columns, Field, Info};
use super::read::{Cell, Sheet};
use crate::measure::{format_reading, to_new_measurement};

/// A row that cannot be imported.
#[derive(Debug, Clone)]
pub struct Problem {
    pub row: usize,
    /// The column's header as written in the file.
    pub column: String,
    /// The measurement field concerned (`plan_value`, `denominator`…), empty for a stray cell.
    pub field: String,
    pub reason: String,
}

/// A row that passed every check.
#[derive(Debug, Clone)]
pub struct Good {
    pub row: usize,
    pub kpi: String,
    pub unit: String,
    pub reading: String,
    pub measurement: NewMeasurement,
    /// The same measurement is already in force, so importing it would add nothing.
    pub recorded: bool,
}

/// What the rows of a file are.
#[derive(Debug, Default)]
pub struct Checked {
    pub rows: usize,
    pub good: Vec<Good>,
    pub problems: Vec<Problem>,
    /// Rows marked as superseded (from an export with `--history`), not imported.
    pub superseded: usize,
}

impl Checked {
    /// How many distinct rows have problems.
    pub fn invalid_rows(&self) -> usize {
        self.problems
            .iter()
            .map(|p| p.row)
            .collect::<HashSet<_>>()
            .len()
    }
}

struct Plan {
    ctx: PlanContext,
    /// Import keys of the measurements in force.
    in_force: HashSet<String>,
}

/// Checks every row; only a storage failure stops the check.
pub async fn check(
    store: &Store,
    sheet: &Sheet,
    columns: &Columns,
    default_plan: Option<i64>,
    recorded_by: &str,
) -> crate::Result<Checked> {
    let mut plans: HashMap<i64, Option<Plan>> = HashMap::new();
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut out = Checked {
        rows: sheet.rows.len(),
        ..Checked::default()
    };
    for row in &sheet.rows {
        let n = row.number;
        let cells = &row.cells;
        let problem = |field: Field, reason: String| Problem {
            row: n,
            column: columns.header(field),
            field: field.name().to_string(),
            reason,
        };
        let mut problems = Vec::new();
        if let Some(col) = columns.stray(cells) {
            problems.push(Problem {
                row: n,
                column: col.to_string(),
                field: String::new(),
                reason: "holds a value but the column has no header".into(),
            });
        }
        let superseded = columns::text(columns.info(Info::SupersededBy, cells))
            .ok()
            .flatten()
            .is_some();
        let (input, plan) = read_row(columns, cells, &mut problems, problem);
        if !problems.is_empty() {
            out.problems.extend(problems);
            continue;
        }
        if superseded {
            out.superseded += 1;
            continue;
        }
        let plan = match (plan, default_plan) {
            (Some(p), Some(d)) if p != d => {
                out.problems.push(problem(
                    Field::Plan,
                    format!("the row is for plan {p} but the import is for plan {d}"),
                ));
                continue;
            }
            (Some(p), _) | (None, Some(p)) => p,
            (None, None) => {
                out.problems.push(problem(
                    Field::Plan,
                    "missing: say which plan the row is for".into(),
                ));
                continue;
            }
        };
        if let std::collections::hash_map::Entry::Vacant(e) = plans.entry(plan) {
            e.insert(load(store, plan).await?);
        }
        let Some(Some(p)) = plans.get(&plan) else {
            out.problems
                .push(problem(Field::Plan, format!("plan {plan} was not found")));
            continue;
        };
        let ctx = &p.ctx;
        if let Ok(Some(kpi)) = columns::text(columns.info(Info::Kpi, cells))
            && kpi != ctx.kpi.id.as_str()
        {
            out.problems.push(Problem {
                row: n,
                column: "kpi".into(),
                field: "kpi".into(),
                reason: format!(
                    "the row says KPI {kpi} but plan {plan} measures KPI {}",
                    ctx.kpi.id.as_str()
                ),
            });
            continue;
        }
        if let Some((field, reason)) = unused(&ctx.kpi, &input) {
            out.problems.push(problem(field, reason));
            continue;
        }
        let mut input = input;
        input.unit = resolve_unit(ctx, &input.unit);
        let mut m =
            match to_new_measurement(ctx, &input, MeasurementSource::File, recorded_by, None) {
                Ok(m) => m,
                Err(e) => {
                    let reason = e.reason.clone();
                    out.problems
                        .push(match column_of(&e.field, &ctx.kpi, &input) {
                            Some(f) => problem(f, reason),
                            None => Problem {
                                row: n,
                                column: e.field.clone(),
                                field: e.field,
                                reason,
                            },
                        });
                    continue;
                }
            };
        let unit = input.unit.clone();
        let key = new_measurement_key(&m, &unit);
        if let Some(first) = keys.get(&key) {
            out.problems.push(Problem {
                row: n,
                column: String::new(),
                field: String::new(),
                reason: format!("same as row {first}"),
            });
            continue;
        }
        keys.insert(key.clone(), n);
        let recorded = p.in_force.contains(&key);
        m.import_key = Some(key);
        out.good.push(Good {
            row: n,
            kpi: ctx.kpi.id.as_str().to_string(),
            unit,
            reading: format_reading(&ctx.kpi, &m.value),
            measurement: m,
            recorded,
        });
    }
    Ok(out)
}

/// Reads a row's cells into a measurement input and its plan id, noting every unreadable cell.
fn read_row(
    columns: &Columns,
    cells: &[Cell],
    problems: &mut Vec<Problem>,
    problem: impl Fn(Field, String) -> Problem,
) -> (MeasurementInput, Option<i64>) {
    let mut errors: Vec<(Field, String)> = Vec::new();
    let mut take = |f: Field, r: Result<Option<String>, String>| {
        r.map_err(|e| errors.push((f, e))).ok().flatten()
    };
    let unit = take(
        Field::Unit,
        columns::text(columns.field(Field::Unit, cells)),
    );
    let part = take(
        Field::Part,
        columns::text(columns.field(Field::Part, cells)),
    );
    let evidence = take(
        Field::Evidence,
        columns::text(columns.field(Field::Evidence, cells)),
    );
    let date = take(
        Field::Date,
        columns::date(columns.field(Field::Date, cells)),
    );
    let plan = columns::plan_id(columns.field(Field::Plan, cells))
        .map_err(|e| errors.push((Field::Plan, e)))
        .ok()
        .flatten();
    let mut number = |f: Field| {
        columns::number(columns.field(f, cells))
            .map_err(|e| errors.push((f, e)))
            .ok()
            .flatten()
    };
    let input = MeasurementInput {
        numerator: number(Field::Numerator),
        denominator: number(Field::Denominator),
        actual: number(Field::Actual),
        plan: number(Field::PlanValue),
        value: number(Field::Value),
        mean_hours: number(Field::MeanHours),
        events: number(Field::Events),
        effort_hours: number(Field::EffortHours),
        unit: unit.unwrap_or_default(),
        date: date.unwrap_or_default(),
        part,
        evidence,
    };
    if input.date.is_empty() && !errors.iter().any(|(f, _)| *f == Field::Date) {
        errors.push((Field::Date, "missing".into()));
    }
    problems.extend(errors.into_iter().map(|(f, e)| problem(f, e)));
    (input, plan)
}

async fn load(store: &Store, plan: i64) -> crate::Result<Option<Plan>> {
    let ctx = match store.plan_context(PlanId(plan)).await {
        Ok(ctx) => ctx,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let in_force = keys_in_force(store, ctx.plan.id).await?;
    Ok(Some(Plan { ctx, in_force }))
}

/// A unit given by its code in any case, or by its name, as the organisation's unit code.
fn resolve_unit(ctx: &PlanContext, given: &str) -> String {
    if given.is_empty() || ctx.unit(given).is_some() {
        return given.to_string();
    }
    let lower = given.to_lowercase();
    if ctx.unit(&lower).is_some() {
        return lower;
    }
    ctx.units
        .iter()
        .find(|u| normalise(&u.unit.name) == given)
        .map_or_else(|| given.to_string(), |u| u.unit.code.as_str().to_string())
}

/// A filled value cell the plan's KPI does not use (it would be dropped), or two cells that
/// give the same value.
fn unused(kpi: &KpiDefinition, input: &MeasurementInput) -> Option<(Field, String)> {
    let given = [
        (Field::Numerator, input.numerator),
        (Field::Denominator, input.denominator),
        (Field::Actual, input.actual),
        (Field::PlanValue, input.plan),
        (Field::Value, input.value),
        (Field::MeanHours, input.mean_hours),
        (Field::Events, input.events),
        (Field::EffortHours, input.effort_hours),
    ];
    let (used, either): (&[Field], &[(Field, Field)]) = match kpi.formula {
        Formula::Ratio { .. } | Formula::Compound { .. } => {
            (&[Field::Numerator, Field::Denominator], &[])
        }
        Formula::Progress { .. } => (
            &[
                Field::Actual,
                Field::PlanValue,
                Field::Numerator,
                Field::Denominator,
            ],
            &[
                (Field::Actual, Field::Numerator),
                (Field::PlanValue, Field::Denominator),
            ],
        ),
        Formula::Count { .. } | Formula::Score { .. } => (&[Field::Value], &[]),
        Formula::MeanDuration { .. } => (
            &[
                Field::MeanHours,
                Field::Value,
                Field::Events,
                Field::EffortHours,
            ],
            &[(Field::MeanHours, Field::Value)],
        ),
    };
    let has = |f: Field| given.iter().any(|(g, v)| *g == f && v.is_some());
    if let Some((f, _)) = given.iter().find(|(f, v)| v.is_some() && !used.contains(f)) {
        return Some((
            *f,
            format!(
                "KPI {} ({}) does not use `{}`; leave it empty",
                kpi.id.as_str(),
                kpi.formula.kind(),
                f.name()
            ),
        ));
    }
    either
        .iter()
        .find(|(a, b)| has(*a) && has(*b))
        .map(|(a, b)| {
            (
                *b,
                format!("give `{}` or `{}`, not both", a.name(), b.name()),
            )
        })
}

/// The column that supplied the value a domain error names.
fn column_of(field: &str, kpi: &KpiDefinition, input: &MeasurementInput) -> Option<Field> {
    let progress = matches!(kpi.formula, Formula::Progress { .. });
    Some(match field {
        "unit" => Field::Unit,
        "date" => Field::Date,
        "part" => Field::Part,
        "evidence" => Field::Evidence,
        "numerator" if progress && input.actual.is_some() => Field::Actual,
        "numerator" => Field::Numerator,
        "denominator" if progress && input.plan.is_some() => Field::PlanValue,
        "denominator" => Field::Denominator,
        "actual" => Field::Actual,
        "plan" => Field::PlanValue,
        "hours" | "mean_hours" if input.mean_hours.is_none() && input.value.is_some() => {
            Field::Value
        }
        "hours" | "mean_hours" => Field::MeanHours,
        "value" => Field::Value,
        "events" => Field::Events,
        "effort_hours" => Field::EffortHours,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::import_key::import_key;
    use mieruka_domain::Date;
    use mieruka_domain::plan::MeasuredValue;
    use mieruka_store::PlanId;

    #[test]
    fn the_key_ignores_float_noise_but_not_the_value() {
        let d = Date::parse("2026-11-01").unwrap();
        let key = |v: f64| {
            import_key(
                PlanId(1),
                "hq",
                d,
                None,
                &MeasuredValue::Count { value: v },
                Some("議事録"),
            )
        };
        assert_eq!(key(10.0), key(10.000_000_000_000_002));
        assert_ne!(key(10.0), key(10.5));
        assert!(key(1.0).starts_with("row:") && key(1.0).len() == 4 + 64);
        let other_plan = import_key(
            PlanId(2),
            "hq",
            d,
            None,
            &MeasuredValue::Count { value: 10.0 },
            Some("議事録"),
        );
        assert_ne!(key(10.0), other_plan);
    }
}
