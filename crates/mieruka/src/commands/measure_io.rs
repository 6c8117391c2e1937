//! `mieruka measure import | export`: measurements in bulk from and to CSV and Excel files.
//!
//! Import reads a file, maps its header onto measurement fields and checks every row against its
//! plan (`mieruka_app::measure_file`, shared with the web import page), then writes the good rows
//! in one transaction: all of them, or with `--skip-invalid` those that passed. Export (`export`) writes the same columns back.

mod export;

use anyhow::{Result, anyhow, bail};
use mieruka_domain::Lang;
use mieruka_domain::i18n::tr;
use mieruka_store::{PlanId, StoreError};
use serde_json::json;

use super::{Ctx, now, who};
use crate::cli::{ExportArgs, ImportArgs};
use crate::render::table;
use mieruka_app::measure_file::{self as file_io, Checked, Columns, Field, Problem};

pub async fn export(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    export::export(ctx, args).await
}

pub async fn import(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    let file = args.file.display().to_string();
    let limits = crate::files::limits()?;
    let bytes = limits
        .read_file(&args.file, &file)
        .map_err(|e| anyhow!(e))?;
    let sheet = file_io::read(&file, &bytes, &limits).map_err(|e| anyhow!(e))?;
    let columns = Columns::from_header(&sheet.header).map_err(|e| anyhow!("{file}: {e}"))?;
    if !columns.has(Field::Plan) && args.plan.is_none() {
        bail!("{file}: there is no `plan` (目標) column; give --plan ID for a file about one plan");
    }
    let store = ctx.store().await?;
    if let Some(p) = args.plan {
        match store.plan(PlanId(p)).await {
            Err(StoreError::NotFound { .. }) => {
                bail!("--plan {p}: plan {p} was not found (`mieruka plan list` shows them)")
            }
            other => {
                other?;
            }
        }
    }
    let checked = file_io::check(&store, &sheet, &columns, args.plan, &who(args.by)).await?;
    let invalid = checked.invalid_rows();
    let total = checked.rows;

    if args.dry_run {
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&dry_run_json(&file, &checked))?
            );
        } else {
            print_preview(ctx.lang, &file, &checked);
        }
        return Ok(());
    }

    if invalid > 0 && !args.skip_invalid {
        if args.json {
            let report = report_json(&file, &checked, 0, 0);
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print_problems(&checked.problems);
        }
        bail!(
            "{file}: {invalid} of {total} rows are invalid; nothing was imported (use --skip-invalid to import the {} good rows)",
            total - invalid
        );
    }

    let batch: Vec<_> = checked
        .good
        .iter()
        .filter(|g| !g.recorded)
        .map(|g| g.measurement.clone())
        .collect();
    let in_force = checked.good.len() - batch.len();
    let report = store
        .add_measurements(&batch, now())
        .await
        .map_err(|e| anyhow!("{file}: nothing was imported: {e}"))?;
    let already = report.already_recorded + in_force;
    if args.json {
        let out = report_json(&file, &checked, report.added, already);
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_problems(&checked.problems);
        println!(
            "{}",
            summary(
                ctx.lang,
                &file,
                report.added,
                already,
                invalid,
                checked.superseded
            )
        );
    }
    Ok(())
}

fn problem_line(p: &Problem) -> String {
    if p.column.is_empty() {
        format!("row {}: {}", p.row, p.reason)
    } else {
        format!("row {}, column {}: {}", p.row, p.column, p.reason)
    }
}

fn print_problems(problems: &[Problem]) {
    for p in problems {
        eprintln!("  {}", problem_line(p));
    }
}

fn summary(
    lang: Lang,
    file: &str,
    added: usize,
    already: usize,
    invalid: usize,
    superseded: usize,
) -> String {
    let mut s = tr(
        lang,
        "measure_import_summary",
        &[
            ("file", &file),
            ("added", &added),
            ("already", &already),
            ("invalid", &invalid),
        ],
    );
    if superseded > 0 {
        s.push_str(&tr(
            lang,
            "measure_import_superseded",
            &[("superseded", &superseded)],
        ));
    }
    s
}

fn problems_json(problems: &[Problem]) -> serde_json::Value {
    problems
        .iter()
        .map(|p| json!({"row": p.row, "column": p.column, "field": p.field, "reason": p.reason}))
        .collect()
}

fn report_json(file: &str, c: &Checked, added: usize, already: usize) -> serde_json::Value {
    json!({
        "file": file,
        "rows": c.rows,
        "added": added,
        "already_recorded": already,
        "superseded": c.superseded,
        "invalid": problems_json(&c.problems),
        "dry_run": false,
    })
}

fn dry_run_json(file: &str, c: &Checked) -> serde_json::Value {
    let preview: Vec<_> = c
        .good
        .iter()
        .map(|g| {
            json!({
                "row": g.row,
                "plan": g.measurement.plan,
                "kpi": g.kpi,
                "unit": g.unit,
                "date": g.measurement.measured_on.to_string(),
                "part": g.measurement.part,
                "value": g.measurement.value,
                "reading": g.reading,
                "already_recorded": g.recorded,
            })
        })
        .collect();
    json!({
        "file": file,
        "rows": c.rows,
        "added": 0,
        "would_add": c.good.iter().filter(|g| !g.recorded).count(),
        "already_recorded": c.good.iter().filter(|g| g.recorded).count(),
        "superseded": c.superseded,
        "invalid": problems_json(&c.problems),
        "preview": preview,
        "dry_run": true,
    })
}

fn print_preview(lang: Lang, file: &str, c: &Checked) {
    let header: Vec<String> = [
        "row", "plan", "kpi", "unit", "date", "part", "value", "import",
    ]
    .iter()
    .map(|c| tr(lang, &format!("measure_preview_col_{c}"), &[]))
    .collect();
    let recorded = tr(lang, "measure_preview_recorded", &[]);
    let body: Vec<Vec<String>> = c
        .good
        .iter()
        .map(|g| {
            vec![
                g.row.to_string(),
                g.measurement.plan.to_string(),
                g.kpi.clone(),
                g.unit.clone(),
                g.measurement.measured_on.to_string(),
                g.measurement.part.clone().unwrap_or_default(),
                g.reading.clone(),
                if g.recorded {
                    recorded.clone()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    if !body.is_empty() {
        println!("{}", table(&header, &body));
    }
    if !c.problems.is_empty() {
        println!("{}", tr(lang, "measure_invalid_rows", &[]));
        for p in &c.problems {
            println!("  {}", problem_line(p));
        }
    }
    let would_add = c.good.iter().filter(|g| !g.recorded).count();
    let already = c.good.len() - would_add;
    let invalid = c.invalid_rows();
    println!(
        "{}",
        tr(
            lang,
            "measure_dry_run",
            &[
                ("file", &file),
                ("rows", &c.rows),
                ("would_add", &would_add),
                ("already", &already),
                ("invalid", &invalid),
            ],
        )
    );
}
