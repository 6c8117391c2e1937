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

/// The report as PDF.
pub fn pdf(report: &BoardReport) -> Result<mieruka_typeset::Pdf, RenderError> {
    let charts = charts(report);
    let names: Vec<&str> = charts.iter().map(|(n, _)| n.as_str()).collect();
    let job = mieruka_typeset::Job {
        template: TEMPLATE,
        inputs: vec![
            (
                "data".into(),
                serde_json::to_string(report).expect("a report serialises"),
            ),
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
