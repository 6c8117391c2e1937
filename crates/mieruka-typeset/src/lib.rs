//! Typesetting to PDF with typst used as a library.
//!
//! A [`Job`] is everything one document needs: a typst template (the main source), named strings
//! handed to the template as `sys.inputs` (data as JSON, which the template reads with
//! `json(bytes(sys.inputs.data))`), named files such as SVG charts (the template opens them with
//! `image("/charts/x.svg")`), the fonts, and the date the document is "made" on. [`render_pdf`]
//! lays it out and writes the PDF.
//!
//! The world this crate gives typst is closed: only the given fonts exist (never the system's,
//! so a document looks the same on every machine), only the given files can be read, and the
//! date is a parameter. The same job therefore always gives the same bytes, which reports that
//! must be reproducible rely on. Nothing here knows what the document is about.

use std::collections::HashMap;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, Duration, IntoValue, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// Everything one document needs.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    /// The typst source of the document.
    pub template: &'a str,
    /// Strings given to the template as `sys.inputs.<name>` (JSON data, for instance).
    pub inputs: Vec<(String, String)>,
    /// Files the template may open, by absolute path inside the document (`/charts/loss.svg`).
    pub files: Vec<(String, Vec<u8>)>,
    /// Font files (TrueType/OpenType); the only fonts the document can use.
    pub fonts: Vec<&'static [u8]>,
    /// The date the document is made on: `datetime.today()` in the template and the PDF's
    /// creation date.
    pub date: (i32, u8, u8),
    /// A stable identifier of the document (the same report keeps the same PDF identifier).
    pub ident: String,
}

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TypesetError {
    /// No usable font among the ones given.
    #[error("no usable font was given")]
    NoFont,
    #[error("file path `{path}`: {reason}")]
    BadPath { path: String, reason: String },
    #[error("invalid date {0:?}")]
    BadDate((i32, u8, u8)),
    /// The template failed: the messages, with the line of the template each points at.
    #[error("the document could not be typeset: {}", .0.join("; "))]
    Template(Vec<String>),
}

/// A finished PDF and how many pages it has.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Lays out the job and writes it as PDF.
pub fn render_pdf(job: &Job<'_>) -> Result<Pdf, TypesetError> {
    let world = ClosedWorld::new(job)?;
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| TypesetError::Template(messages(&world, &errors)))?;
    let (y, m, d) = job.date;
    let date = Datetime::from_ymd_hms(y, m, d, 0, 0, 0).ok_or(TypesetError::BadDate(job.date))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(job.ident.clone()),
        creator: Smart::Custom(None),
        timestamp: Some(typst_pdf::Timestamp::new_utc(date)),
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options)
        .map_err(|errors| TypesetError::Template(messages(&world, &errors)))?;
    Ok(Pdf {
        bytes,
        pages: document.pages().len(),
    })
}

/// Each diagnostic as one line, with the template line it points at when it has one.
fn messages(world: &ClosedWorld, errors: &[SourceDiagnostic]) -> Vec<String> {
    errors
        .iter()
        .filter(|e| e.severity == Severity::Error)
        .map(|e| {
            let line = typst::WorldExt::range(world, e.span).and_then(|r| {
                let source = world.source(world.main).ok()?;
                source.lines().byte_to_line(r.start).map(|l| l + 1)
            });
            match line {
                Some(l) => format!("line {l}: {}", e.message),
                None => e.message.to_string(),
            }
        })
        .collect()
}

/// The world typst sees: one source, the given files and fonts, a fixed date.
struct ClosedWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
    source: Source,
    files: HashMap<FileId, Bytes>,
    date: (i32, u8, u8),
}

fn file_id(path: &str) -> Result<FileId, TypesetError> {
    let vpath = VirtualPath::new(path).map_err(|e| TypesetError::BadPath {
        path: path.to_string(),
        reason: format!("{e:?}"),
    })?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl ClosedWorld {
    fn new(job: &Job<'_>) -> Result<ClosedWorld, TypesetError> {
        let fonts: Vec<Font> = job
            .fonts
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        if fonts.is_empty() {
            return Err(TypesetError::NoFont);
        }
        let mut inputs = Dict::new();
        for (name, value) in &job.inputs {
            inputs.insert(name.as_str().into(), value.as_str().into_value());
        }
        let library = Library::builder().with_inputs(inputs).build();
        let main = file_id("/main.typ")?;
        let mut files = HashMap::new();
        for (path, bytes) in &job.files {
            files.insert(file_id(path)?, Bytes::new(bytes.clone()));
        }
        Ok(ClosedWorld {
            library: LazyHash::new(library),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            main,
            source: Source::new(main, job.template.to_string()),
            files,
            date: job.date,
        })
    }
}

impl World for ClosedWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main {
            return Ok(Bytes::from_string(self.source.text().to_string()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        let (y, m, d) = self.date;
        Datetime::from_ymd(y, m, d)
    }
}

#[cfg(test)]
mod tests;
