//! The audit log's check as the front ends show it: one verdict, printed by `mieruka audit verify
//! --json` and answered by `/api/v1/audit/verify`.

use mieruka_store::StoreError;
use mieruka_store::audit::{AuditReport, VerifyError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether the hash chain holds: intact, broken at an entry, or not vouched for because the
/// audit key or head file cannot be used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "AuditVerdict")]
#[schemars(example = AuditVerdict::example())]
pub enum AuditVerdict {
    Intact(Intact),
    Broken(Broken),
    Unvouched(Unvouched),
}

/// The chain holds from the first entry to the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "AuditIntact")]
pub struct Intact {
    /// Always true.
    #[schemars(extend("const" = true))]
    pub ok: bool,
    /// How many entries the log holds.
    pub entries: i64,
    /// The newest entry's hash.
    pub last_hash: String,
    /// Entries whose seal was checked against the audit key.
    pub sealed: i64,
    /// Entries written before the log had a key (covered by the chain and the head only).
    pub unsealed: i64,
    /// Sealed entries whose seal could not be checked: this store has no key.
    pub unchecked: i64,
    /// The head this machine recorded (an entry number), which the log still holds.
    pub head: Option<i64>,
    /// How many kept anchors the log was also checked against (the command line's `--anchor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchors: Option<usize>,
}

/// The first entry at which the chain is broken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "AuditBroken")]
pub struct Broken {
    /// Always false.
    #[schemars(extend("const" = false))]
    pub ok: bool,
    /// The entry's number.
    pub entry: i64,
    /// What is wrong: `edited`, `missing`, `deleted`, `rewritten`, `bad_seal`, `unsealed` or
    /// `out_of_order`.
    #[schemars(extend("enum" = ["edited", "missing", "deleted", "rewritten", "bad_seal", "unsealed", "out_of_order"]))]
    pub problem: String,
    /// For `deleted`: the entry the head or an anchor recorded.
    pub recorded: Option<i64>,
    /// What is wrong, in words.
    pub message: String,
}

/// The audit key or the head file cannot be used: the log is not vouched for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "AuditUnvouched")]
pub struct Unvouched {
    /// Always false.
    #[schemars(extend("const" = false))]
    pub ok: bool,
    /// `seal_unusable`.
    #[schemars(extend("const" = "seal_unusable"))]
    pub problem: String,
    /// Why, in words.
    pub message: String,
}

impl AuditVerdict {
    /// The verdict of a check; an error that is not about the log itself is handed back.
    pub fn of(checked: Result<AuditReport, VerifyError>) -> Result<AuditVerdict, StoreError> {
        match checked {
            Ok(report) => Ok(AuditVerdict::Intact(Intact {
                ok: true,
                entries: report.entries,
                last_hash: report.last_hash,
                sealed: report.sealed,
                unsealed: report.unsealed,
                unchecked: report.unchecked,
                head: report.head,
                anchors: None,
            })),
            Err(VerifyError::Broken(b)) => Ok(AuditVerdict::Broken(Broken {
                ok: false,
                entry: b.seq,
                problem: serde_json::to_value(b.problem)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                recorded: b.recorded,
                message: b.to_string(),
            })),
            Err(VerifyError::Store(e @ StoreError::AuditSeal { .. })) => {
                Ok(AuditVerdict::Unvouched(Unvouched {
                    ok: false,
                    problem: "seal_unusable".into(),
                    message: e.to_string(),
                }))
            }
            Err(VerifyError::Store(e)) => Err(e),
        }
    }

    /// Whether the log is vouched for.
    pub fn ok(&self) -> bool {
        matches!(self, AuditVerdict::Intact(_))
    }

    fn example() -> AuditVerdict {
        AuditVerdict::Intact(Intact {
            ok: true,
            entries: 120,
            last_hash: "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b".into(),
            sealed: 118,
            unsealed: 2,
            unchecked: 0,
            head: Some(120),
            anchors: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use mieruka_store::audit::{AuditBreak, AuditProblem};

    use super::*;

    /// Every way the chain can break is a code the schema lists.
    #[test]
    fn the_schema_lists_every_problem() {
        let schema = schemars::schema_for!(Broken);
        let codes = schema.as_value()["properties"]["problem"]["enum"].clone();
        let every = [
            AuditProblem::Edited,
            AuditProblem::Missing,
            AuditProblem::Deleted,
            AuditProblem::Rewritten,
            AuditProblem::BadSeal,
            AuditProblem::Unsealed,
            AuditProblem::OutOfOrder,
        ];
        assert_eq!(codes.as_array().map(Vec::len), Some(every.len()));
        for problem in every {
            let verdict = AuditVerdict::of(Err(VerifyError::Broken(AuditBreak {
                seq: 3,
                problem,
                recorded: None,
            })))
            .unwrap();
            let AuditVerdict::Broken(b) = verdict else {
                panic!("{verdict:?}");
            };
            assert!(
                codes
                    .as_array()
                    .unwrap()
                    .contains(&b.problem.clone().into()),
                "{}",
                b.problem
            );
        }
    }
}
