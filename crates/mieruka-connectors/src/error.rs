//! Why a connector refused a whole file. Every message names the file; a bad row is not an
//! error (it is reported in the run's counts) unless strict mode makes it one.

/// Why a file was refused. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: the file is empty; expected a header line with {expected}")]
    Empty { file: String, expected: String },
    #[error("{file}: line {line} is not UTF-8 text; save the file as UTF-8")]
    NotUtf8 { file: String, line: u64 },
    #[error("{file}: line 1 (header): missing column{} {}", if .columns.len() == 1 { "" } else { "s" }, .columns.join(", "))]
    /// `columns` are described as the column mapping names them (in backticks).
    MissingColumns { file: String, columns: Vec<String> },
    #[error("{file}: line 1 (header): column `{column}` appears twice")]
    DuplicateColumn { file: String, column: String },
    #[error(
        "{file}: line {line}: the file is truncated: its last line has {found} of {expected} fields"
    )]
    Truncated {
        file: String,
        line: u64,
        found: usize,
        expected: usize,
    },
    #[error("{file}: line {line}: {reason}; the whole file was refused (strict mode)")]
    Rejected {
        file: String,
        line: u64,
        reason: String,
    },
    /// The file is not in the expected format at all (not JSON, not an XCCDF result, cut off…).
    #[error("{file}: {reason}")]
    Format { file: String, reason: String },
}

impl ConnectorError {
    pub(crate) fn io(file: &str) -> impl Fn(std::io::Error) -> ConnectorError + '_ {
        move |source| ConnectorError::Io {
            file: file.into(),
            source,
        }
    }

    pub(crate) fn format(file: &str, reason: impl Into<String>) -> ConnectorError {
        ConnectorError::Format {
            file: file.into(),
            reason: reason.into(),
        }
    }
}
