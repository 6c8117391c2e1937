//! The report's numbers as an Excel workbook, for people who work with them: the KPIs (plan,
//! target, actual, achievement), every measurement of the period — corrected ones included and
//! marked as superseded — the loss figures now, today and after, and the trend. Amounts are
//! plain yen and rates plain fractions, so they can be computed with. The workbook's creation
//! date is the report's, so the same report gives the same file.

use mieruka_domain::Lang;
use mieruka_domain::report::model::BoardReport;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// A sheet's name or a column's header (`report.toml`, keys `xlsx_*`).
fn words(lang: Lang, key: &str) -> String {
    mieruka_domain::i18n::tr(lang, key, &[])
}

fn header(ws: &mut Worksheet, cols: &[String], bold: &Format) -> Result<(), XlsxError> {
    for (i, c) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, c, bold)?;
        ws.set_column_width(i as u16, 16)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn opt(ws: &mut Worksheet, row: u32, col: u16, v: Option<f64>) -> Result<(), XlsxError> {
    if let Some(v) = v {
        ws.write_number(row, col, v)?;
    }
    Ok(())
}

/// The workbook's bytes.
pub fn xlsx(r: &BoardReport) -> Result<Vec<u8>, crate::RenderError> {
    let lang = r.lang;
    let w = |key: &str| words(lang, key);
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        r.as_of.year() as u16,
        r.as_of.month() as u8,
        r.as_of.day() as u8,
    )?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{} — {} {}",
                r.label("title"),
                r.org.name,
                r.period.label
            ))
            .set_author("mieruka")
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();

    let ws = wb.add_worksheet().set_name("KPI")?;
    header(
        ws,
        &[
            "plan".into(),
            "kpi_id".into(),
            w("xlsx_kpi"),
            w("xlsx_period"),
            w("xlsx_target"),
            w("xlsx_unit_of_measure"),
            w("xlsx_deadline"),
            w("xlsx_actual"),
            w("xlsx_achievement"),
            w("xlsx_status"),
        ],
        &bold,
    )?;
    for (i, p) in r.data.plans.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, p.plan as f64)?;
        ws.write_string(row, 1, &p.kpi_id)?;
        ws.write_string(row, 2, &p.name)?;
        ws.write_string(row, 3, &p.period)?;
        opt(ws, row, 4, p.target)?;
        ws.write_string(row, 5, &p.unit_of_measure)?;
        ws.write_string(row, 6, p.deadline.to_string())?;
        opt(ws, row, 7, p.actual)?;
        opt(ws, row, 8, p.achievement)?;
        ws.write_string(row, 9, &p.status)?;
    }

    let ws = wb.add_worksheet().set_name(w("xlsx_sheet_measurements"))?;
    header(
        ws,
        &[
            "id".into(),
            "plan".into(),
            "kpi_id".into(),
            w("xlsx_unit"),
            w("xlsx_date"),
            w("xlsx_part"),
            w("xlsx_value"),
            w("xlsx_numerator"),
            w("xlsx_denominator"),
            w("xlsx_source"),
            w("xlsx_recorded_by"),
            w("xlsx_recorded_at"),
            w("xlsx_superseded_by"),
        ],
        &bold,
    )?;
    for (i, m) in r.data.measurements.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, m.id as f64)?;
        ws.write_number(row, 1, m.plan as f64)?;
        ws.write_string(row, 2, &m.kpi_id)?;
        ws.write_string(row, 3, &m.unit)?;
        ws.write_string(row, 4, m.measured_on.to_string())?;
        if let Some(p) = &m.part {
            ws.write_string(row, 5, p)?;
        }
        opt(ws, row, 6, m.value)?;
        opt(ws, row, 7, m.numerator)?;
        opt(ws, row, 8, m.denominator)?;
        ws.write_string(row, 9, &m.source)?;
        ws.write_string(row, 10, &m.recorded_by)?;
        ws.write_string(row, 11, &m.recorded_at)?;
        opt(ws, row, 12, m.superseded_by.map(|x| x as f64))?;
    }

    let ws = wb.add_worksheet().set_name(w("xlsx_sheet_loss"))?;
    header(
        ws,
        &[
            w("xlsx_column"),
            "key".into(),
            w("xlsx_item"),
            w("xlsx_amount_yen"),
            w("xlsx_formula"),
        ],
        &bold,
    )?;
    for (i, x) in r.data.loss.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &x.column)?;
        ws.write_string(row, 1, &x.key)?;
        ws.write_string(row, 2, &x.label)?;
        ws.write_number(row, 3, x.amount_yen)?;
        ws.write_string(row, 4, &x.formula)?;
    }

    let ws = wb.add_worksheet().set_name(w("xlsx_sheet_trend"))?;
    header(ws, &[w("xlsx_date"), w("xlsx_maximum_loss_yen")], &bold)?;
    for (i, p) in r.summary.trend.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, p.date.to_string())?;
        ws.write_number(row, 1, p.today_yen.round())?;
    }
    Ok(wb.save_to_buffer()?)
}
