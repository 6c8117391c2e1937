//! The board report rendered from its view model ([`BoardReport`]): a PDF typeset with typst
//! (A4, Japanese by default, the IPAex Gothic font embedded, charts as vectors), a self-contained
//! HTML page (inline CSS and SVG, nothing fetched), and an Excel workbook with the numbers behind
//! it. The three read the same model, so they say the same thing; none computes a figure.
//!
//! Rendering is deterministic: the same model gives the same bytes, which is what lets an issued
//! report be rendered again exactly from its snapshot.

mod charts;
mod html;
#[doc(hidden)]
pub mod sample;
mod xlsx;

use mieruka_domain::report::model::BoardReport;

pub use charts::charts;
pub use html::html;
pub use xlsx::xlsx;

/// The typst template of the PDF.
pub const TEMPLATE: &str = include_str!("templates/report.typ");

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Typeset(#[from] mieruka_typeset::TypesetError),
    #[error("cannot write the workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
}

/// The formats a report is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Html,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format, String> {
        match s {
            "pdf" => Ok(Format::Pdf),
            "html" => Ok(Format::Html),
            "xlsx" => Ok(Format::Xlsx),
            other => Err(format!(
                "`{other}` is not a report format (pdf, html or xlsx)"
            )),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Renders the report in a format.
pub fn render(report: &BoardReport, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Pdf => Ok(pdf(report)?.bytes),
        Format::Html => Ok(html(report).into_bytes()),
        Format::Xlsx => xlsx(report),
    }
}

/// The view model as the typst template reads it: the model's JSON with each rate also written
/// out by `figures::percent` (`achievement_text`, `planned_text`, a unit's `actual_text`), so
/// the PDF prints a rate as the HTML page, the charts and the web pages do.
fn typst_data(report: &BoardReport) -> String {
    let mut v = serde_json::to_value(report).expect("a report serialises");
    let text = |x: &serde_json::Value| match x.as_f64() {
        Some(f) => serde_json::Value::String(mieruka_domain::figures::percent(f)),
        None => serde_json::Value::String("–".into()),
    };
    if let Some(kpis) = v.get_mut("kpis").and_then(|k| k.as_array_mut()) {
        for k in kpis {
            for field in ["achievement", "planned"] {
                let t = text(&k[field]);
                k[format!("{field}_text")] = t;
            }
            if let Some(units) = k.get_mut("units").and_then(|u| u.as_array_mut()) {
                for u in units {
                    for field in ["planned", "actual"] {
                        let t = text(&u[field]);
                        u[format!("{field}_text")] = t;
                    }
                }
            }
        }
    }
    v.to_string()
}

/// The report as PDF.
pub fn pdf(report: &BoardReport) -> Result<mieruka_typeset::Pdf, RenderError> {
    let charts = charts(report);
    let names: Vec<&str> = charts.iter().map(|(n, _)| n.as_str()).collect();
    let job = mieruka_typeset::Job {
        template: TEMPLATE,
        inputs: vec![
            ("data".into(), typst_data(report)),
            (
                "charts".into(),
                serde_json::to_string(&names).expect("names serialise"),
            ),
        ],
        files: charts
            .iter()
            .map(|(n, svg)| (format!("/charts/{n}.svg"), svg.clone().into_bytes()))
            .collect(),
        fonts: vec![mieruka_charts::JAPANESE_FONT],
        date: (
            report.as_of.year(),
            report.as_of.month() as u8,
            report.as_of.day() as u8,
        ),
        ident: format!(
            "mieruka/{}/{}/{}/{}",
            report.org.slug, report.period.id, report.data_version, report.as_of
        ),
    };
    Ok(mieruka_typeset::render_pdf(&job)?)
}

#[cfg(test)]
mod tests;
