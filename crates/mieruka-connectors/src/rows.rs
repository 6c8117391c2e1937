//! Bookkeeping of rows shared by every connector: the counts read / accepted / rejected, the
//! first rejected rows with their line numbers and reasons, and strict mode (the first bad row
//! refuses the whole file).

use serde::Serialize;

use crate::error::ConnectorError;

/// How many rejected rows a report lists; the rest are only counted.
pub const REJECTED_SHOWN: usize = 10;

/// A row left out, with its line number (the header is line 1). For JSON files the "line" is
/// the record's position in the list (1 for the first); for XML files, the line the element
/// ends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

/// The counts of a run and the first rejected rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Data rows read (blank lines are skipped).
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Rows read but deliberately not counted (a DefectDojo false positive, an informational
    /// finding…); neither accepted nor rejected.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: u64,
    /// The first [`REJECTED_SHOWN`] rejected rows, in file order.
    pub first_rejected: Vec<BadRow>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What to do with one row: counted, skipped on purpose, or rejected with a reason.
pub enum RowOutcome {
    Accepted,
    Skipped,
    Rejected(String),
}

impl From<Result<(), String>> for RowOutcome {
    fn from(r: Result<(), String>) -> RowOutcome {
        match r {
            Ok(()) => RowOutcome::Accepted,
            Err(reason) => RowOutcome::Rejected(reason),
        }
    }
}

impl Tally {
    /// Counts one row's outcome; in strict mode a rejected row refuses the file.
    pub fn record(
        &mut self,
        file: &str,
        line: u64,
        outcome: RowOutcome,
        strict: bool,
    ) -> Result<(), ConnectorError> {
        self.read += 1;
        match outcome {
            RowOutcome::Accepted => self.accepted += 1,
            RowOutcome::Skipped => self.skipped += 1,
            RowOutcome::Rejected(reason) => {
                if strict {
                    return Err(ConnectorError::Rejected {
                        file: file.into(),
                        line,
                        reason,
                    });
                }
                self.rejected += 1;
                if self.first_rejected.len() < REJECTED_SHOWN {
                    self.first_rejected.push(BadRow { line, reason });
                }
            }
        }
        Ok(())
    }
}

/// A value as shown in a message: at most 40 characters.
pub fn shown(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.into_owned()
    }
}
