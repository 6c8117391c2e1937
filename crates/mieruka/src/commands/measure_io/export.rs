//! `mieruka measure export`: an organisation's measurements for a period as CSV (UTF-8 with a BOM,
//! for Excel) or XLSX, in the columns the importer reads, written whole or not at all. A CSV
//! text cell that spreadsheet software would run as a formula is written quoted
//! (`mieruka_domain::spreadsheet`); the importer takes the quote off.

use anyhow::{Result, anyhow, bail};
use mieruka_domain::Formula;
use mieruka_domain::i18n::tr;
use mieruka_domain::period::Period;
use mieruka_domain::plan::MeasuredValue;
use mieruka_domain::spreadsheet::formula_safe;
use mieruka_store::PlanId;
use mieruka_store::measurements::StoredMeasurement;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::cli::ExportArgs;
use crate::commands::{Ctx, find_org};
use crate::render::width;
use mieruka_app::measure_file::columns::{FIELDS, Field};

/// One exported cell.
#[derive(Debug, Clone, PartialEq, Default)]
enum Out {
    #[default]
    Empty,
    Text(String),
    Number(f64),
}

impl Out {
    fn text(s: impl Into<String>) -> Out {
        Out::Text(s.into())
    }

    fn opt(v: Option<f64>) -> Out {
        v.map_or(Out::Empty, Out::Number)
    }

    fn csv(&self) -> String {
        match self {
            Out::Empty => String::new(),
            Out::Text(s) => s.clone(),
            // `Display` for f64 is the shortest text that reads back as the same number.
            Out::Number(v) => v.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileFormat {
    Csv,
    Xlsx,
}

const HISTORY: [&str; 6] = [
    "id",
    "supersedes",
    "superseded_by",
    "recorded_by",
    "recorded_at",
    "source",
];

fn header(history: bool) -> Vec<String> {
    let mut h: Vec<String> = Vec::new();
    for (f, name, _) in FIELDS {
        h.push(name.to_string());
        if f == Field::Plan {
            h.push("kpi".into());
        }
    }
    if history {
        h.extend(HISTORY.iter().map(|s| s.to_string()));
    }
    h
}

/// The value columns (numerator … effort_hours) for a measurement of this formula.
fn value_cells(formula: &Formula, v: &MeasuredValue) -> [Out; 8] {
    let mut cells: [Out; 8] = Default::default();
    // numerator, denominator, actual, plan_value, value, mean_hours, events, effort_hours
    match *v {
        MeasuredValue::Ratio {
            numerator,
            denominator,
        } if matches!(formula, Formula::Progress { .. }) => {
            cells[2] = Out::Number(numerator);
            cells[3] = Out::Number(denominator);
        }
        MeasuredValue::Ratio {
            numerator,
            denominator,
        } => {
            cells[0] = Out::Number(numerator);
            cells[1] = Out::Number(denominator);
        }
        MeasuredValue::Count { value } | MeasuredValue::Score { value } => {
            cells[4] = Out::Number(value);
        }
        MeasuredValue::Duration {
            total_hours,
            events,
            effort_hours,
        } => {
            cells[5] = Out::Number(total_hours / events);
            cells[6] = Out::Number(events);
            cells[7] = Out::opt(effort_hours.map(|e| e / events));
        }
    }
    cells
}

fn row(kpi: &str, formula: &Formula, m: &StoredMeasurement, history: bool) -> Vec<Out> {
    let mut r = vec![
        Out::Number(m.plan.0 as f64),
        Out::text(kpi),
        Out::text(m.unit_code.clone()),
        Out::text(m.measured_on.to_string()),
        m.part.clone().map_or(Out::Empty, Out::Text),
    ];
    r.extend(value_cells(formula, &m.value));
    r.push(m.evidence.clone().map_or(Out::Empty, Out::Text));
    if history {
        r.extend([
            Out::Number(m.id.0 as f64),
            Out::opt(m.supersedes.map(|s| s.0 as f64)),
            Out::opt(m.superseded_by.map(|s| s.0 as f64)),
            Out::text(m.recorded_by.clone()),
            Out::text(m.recorded_at.clone()),
            Out::text(m.source.code()),
        ]);
    }
    r
}

fn format_of(args: &ExportArgs) -> Result<FileFormat> {
    let given = match &args.format {
        Some(f) => f.trim().to_ascii_lowercase(),
        None => args
            .output
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default(),
    };
    match given.as_str() {
        "csv" => Ok(FileFormat::Csv),
        "xlsx" => Ok(FileFormat::Xlsx),
        _ if args.format.is_some() => bail!("--format {given}: expected csv or xlsx"),
        _ => bail!(
            "{}: cannot tell the format from the file name; name it .csv or .xlsx, or give --format csv|xlsx",
            args.output.display()
        ),
    }
}

pub async fn export(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    let format = format_of(&args)?;
    let store = ctx.store().await?;
    let org = find_org(&store, &args.org.org).await?;
    let code = args.period.trim();
    let period = match store.period(org.id, code).await? {
        Some(p) => p,
        None => {
            Period::parse(code, org.org.fiscal_start_month)
                .map_err(|e| anyhow!("--period {code}: {e}"))?;
            bail!("period {code} has no plans for {}", org.org.slug)
        }
    };
    let plans = store.plans(org.id, period.id).await?;
    if plans.is_empty() {
        bail!("period {code} has no plans for {}", org.org.slug);
    }
    let mut rows = Vec::new();
    for plan in &plans {
        let pc = store.plan_context(PlanId(plan.id.0)).await?;
        let ms = if args.history {
            store.measurement_history(plan.id).await?
        } else {
            store.current_measurements(plan.id).await?
        };
        for m in &ms {
            rows.push(row(pc.kpi.id.as_str(), &pc.kpi.formula, m, args.history));
        }
    }
    let header = header(args.history);
    let bytes = match format {
        FileFormat::Csv => csv_bytes(&header, &rows)?,
        FileFormat::Xlsx => {
            xlsx_bytes(&header, &rows).map_err(|e| anyhow!("cannot build the workbook: {e}"))?
        }
    };
    crate::files::write_whole(&args.output, &bytes, None)?;
    let file = args.output.display();
    let n = rows.len();
    let p = plans.len();
    println!(
        "{}",
        tr(
            ctx.lang,
            "measure_exported",
            &[
                ("file", &file),
                ("org", &org.org.slug),
                ("period", &code),
                ("plans", &p),
                ("rows", &n),
            ],
        )
    );
    Ok(())
}

fn csv_bytes(header: &[String], rows: &[Vec<Out>]) -> Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(header.iter().map(|h| formula_safe(h).into_owned()))?;
        for r in rows {
            w.write_record(r.iter().map(|c| formula_safe(&c.csv()).into_owned()))?;
        }
        w.flush()?;
    }
    Ok(out)
}

fn xlsx_bytes(header: &[String], rows: &[Vec<Out>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("measurements")?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (r, cells) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in cells.iter().enumerate() {
            match cell {
                Out::Empty => {}
                Out::Text(s) => {
                    sheet.write_string(r, c as u16, s)?;
                }
                Out::Number(v) => {
                    sheet.write_number(r, c as u16, *v)?;
                }
            }
            widths[c] = widths[c].max(width(&cell.csv()).min(60));
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w as f64 + 2.0).clamp(6.0, 62.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_what_the_importer_reads() {
        let h = header(true);
        assert_eq!(&h[..3], ["plan", "kpi", "unit"]);
        assert_eq!(h.len(), 14 + 6);
        let c = mieruka_app::measure_file::Columns::from_header(&h).unwrap();
        assert!(c.has(Field::EffortHours));
    }

    #[test]
    fn durations_export_hours_per_event() {
        let cells = value_cells(
            &Formula::Count {
                counted: mieruka_domain::Text::new("件", "things"),
            },
            &MeasuredValue::Duration {
                total_hours: 9.0,
                events: 3.0,
                effort_hours: Some(6.0),
            },
        );
        assert_eq!(
            cells[5..],
            [Out::Number(3.0), Out::Number(3.0), Out::Number(2.0)]
        );
    }
}
