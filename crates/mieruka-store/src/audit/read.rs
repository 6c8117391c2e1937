//! Reading the audit log: entries for auditors, newest first, and the verification that walks
//! the whole chain and names the first entry that does not hold.

use mieruka_domain::Date;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{GENESIS_HASH, Hashed, entry_hash};
use crate::ids::OrgId;
use crate::{Result, Store, StoreError};

/// Rows read per query while verifying, so a long log is not held in memory at once.
const VERIFY_PAGE: i64 = 1000;

/// An entry as stored. `before`/`after` are the recorded JSON values (a stored text that is not
/// JSON any more — only possible after tampering — comes back as a JSON string).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub org_id: Option<OrgId>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub prev_hash: String,
    pub hash: String,
}

/// What [`Store::audit_search`] narrows the log to; `None` leaves a dimension open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// Only entries about this organisation.
    pub org: Option<OrgId>,
    /// Only changes to this kind of thing (`unit`, `membership`, `plan`…).
    pub entity: Option<String>,
    /// Only changes recorded under this name.
    pub actor: Option<String>,
    /// Only entries written on or after this day (UTC).
    pub from: Option<Date>,
    /// Only entries written on or before this day (UTC).
    pub to: Option<Date>,
    /// Only entries numbered below this (paging).
    pub before_seq: Option<i64>,
}

/// A whole chain: how many entries, and the hash of the last (note it to detect, later, that
/// the newest entries were removed or rewritten).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub entries: i64,
    pub last_hash: String,
}

/// How the chain is broken at an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditProblem {
    /// The entry's contents do not match its hash.
    Edited,
    /// No entry has this number, though later ones exist.
    Missing,
    /// The entry does not carry the previous entry's hash: entries were reordered, or one was
    /// replaced or inserted.
    OutOfOrder,
}

/// The first entry at which the chain is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("audit log broken at entry {seq}: {}", self.detail())]
pub struct AuditBreak {
    pub seq: i64,
    pub problem: AuditProblem,
}

impl AuditBreak {
    /// What is wrong, in words (the part after "broken at entry N: ").
    pub fn detail(&self) -> String {
        let seq = self.seq;
        match self.problem {
            AuditProblem::Edited => "its contents were changed after it was written".into(),
            AuditProblem::Missing => format!("entry {seq} is missing"),
            AuditProblem::OutOfOrder => {
                format!("entry {seq} does not follow entry {}", seq - 1)
            }
        }
    }
}

/// Why verification did not pass: a broken chain, or the database failed while reading it.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Broken(AuditBreak),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for VerifyError {
    fn from(e: sqlx::Error) -> VerifyError {
        VerifyError::Store(e.into())
    }
}

/// The stored fields of one entry, as text, exactly as they are hashed.
struct RawEntry {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_key: String,
    org_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

const COLUMNS: &str = "seq, at, actor, action, entity, entity_key, org_id, before_json, \
     after_json, prev_hash, hash";

fn read_row(row: &AnyRow) -> Result<RawEntry> {
    Ok(RawEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        entity_key: row.try_get("entity_key")?,
        org_id: row.try_get("org_id")?,
        before_json: row.try_get("before_json")?,
        after_json: row.try_get("after_json")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

impl RawEntry {
    fn computed_hash(&self) -> String {
        entry_hash(&Hashed {
            prev_hash: &self.prev_hash,
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            entity: &self.entity,
            entity_key: &self.entity_key,
            org_id: self.org_id,
            before_json: self.before_json.as_deref(),
            after_json: self.after_json.as_deref(),
        })
    }

    fn into_entry(self) -> AuditEntry {
        let value = |text: Option<String>| {
            text.map(|t| serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)))
        };
        AuditEntry {
            seq: self.seq,
            at: self.at,
            actor: self.actor,
            action: self.action,
            entity: self.entity,
            entity_key: self.entity_key,
            org_id: self.org_id.map(OrgId),
            before: value(self.before_json),
            after: value(self.after_json),
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

/// The database's versions (see [`Store::versions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    /// The newest audit entry's number: changes with every change.
    pub data: i64,
    /// The newest audit entry's number that changed anything but a measurement.
    pub config: i64,
}

impl Store {
    /// The number of the newest audit entry (0 when there is none). Every change writes an entry,
    /// so this is the version of the whole database: equal numbers mean equal data, which lets a
    /// server reuse a computed answer safely, whichever instance made the change.
    pub async fn data_version(&self) -> Result<i64> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
            .fetch_one(self.pool())
            .await?;
        Ok(v.unwrap_or(0))
    }

    /// The data version and the configuration version, in one query. The configuration version
    /// is the number of the newest entry that changed anything but a measurement (accounts,
    /// tokens, roles, organisations, units, plans, KPI definitions…): what is built from those
    /// alone — who a request's sender is and may do, a plan's context — is still right while it
    /// stays, even as measurements are recorded.
    pub async fn versions(&self) -> Result<Versions> {
        let row = sqlx::query(
            "SELECT (SELECT MAX(seq) FROM audit_log) AS data, seq AS config \
             FROM config_version WHERE id = 1",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(Versions {
            data: row.try_get::<Option<i64>, _>("data")?.unwrap_or(0),
            config: row.try_get("config")?,
        })
    }

    /// Entries newest first: all, or only those about `org`; only those numbered below
    /// `before_seq` when given (pass the last `seq` of one page to get the next).
    pub async fn audit_entries(
        &self,
        org: Option<OrgId>,
        before_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        let filter = if org.is_some() { "AND org_id = $3" } else { "" };
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq < $1 {filter} ORDER BY seq DESC LIMIT $2"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(before_seq.unwrap_or(i64::MAX))
            .bind(i64::from(limit));
        if let Some(o) = org {
            query = query.bind(o.0);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| Ok(read_row(row)?.into_entry()))
            .collect()
    }

    /// Entries newest first, narrowed by [`AuditFilter`] (what an auditor searches by), and only
    /// those numbered below `before_seq` when given (the previous page's last `seq`).
    pub async fn audit_search(&self, f: &AuditFilter, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut conditions = vec!["seq < $1".to_string()];
        let mut texts: Vec<String> = Vec::new();
        let mut next = 3;
        let mut condition = |sql: &str, value: String| {
            conditions.push(sql.replace("?", &format!("${next}")));
            texts.push(value);
            next += 1;
        };
        if let Some(e) = &f.entity {
            condition("entity = ?", e.clone());
        }
        if let Some(a) = &f.actor {
            condition("actor = ?", a.clone());
        }
        if let Some(d) = f.from {
            condition("at >= ?", d.to_string());
        }
        if let Some(d) = f.to {
            // `at` is RFC 3339 UTC text, so the day after `to` bounds it as text too.
            condition("at < ?", d.add_days(1).to_string());
        }
        if f.org.is_some() {
            conditions.push(format!("org_id = ${next}"));
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE {} ORDER BY seq DESC LIMIT $2",
            conditions.join(" AND ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(f.before_seq.unwrap_or(i64::MAX))
            .bind(i64::from(limit));
        for t in texts {
            query = query.bind(t);
        }
        if let Some(o) = f.org {
            query = query.bind(o.0);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| Ok(read_row(row)?.into_entry()))
            .collect()
    }

    /// The names entries were recorded under and the kinds of thing they changed, each sorted
    /// (for an auditor's filter choices); only about `org` when given.
    pub async fn audit_vocabulary(&self, org: Option<OrgId>) -> Result<(Vec<String>, Vec<String>)> {
        let filter = if org.is_some() {
            "WHERE org_id = $1"
        } else {
            ""
        };
        let mut out = Vec::new();
        for column in ["actor", "entity"] {
            let sql = format!("SELECT DISTINCT {column} FROM audit_log {filter} ORDER BY {column}");
            let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
            if let Some(o) = org {
                query = query.bind(o.0);
            }
            out.push(query.fetch_all(self.pool()).await?);
        }
        let entities = out.pop().unwrap_or_default();
        let actors = out.pop().unwrap_or_default();
        Ok((actors, entities))
    }

    /// Walks the whole log in order, recomputing every hash and checking every link and number,
    /// and reports the first entry that does not hold (`VerifyError::Broken`). A missing number
    /// is checked first, then the link to the previous entry, then the entry's own hash.
    pub async fn verify_audit(&self) -> Result<AuditReport, VerifyError> {
        let mut expected = 1;
        let mut prev = GENESIS_HASH.to_string();
        loop {
            let sql =
                format!("SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(expected)
                .bind(VERIFY_PAGE)
                .fetch_all(self.pool())
                .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let r = read_row(row)?;
                let broken = |problem| {
                    VerifyError::Broken(AuditBreak {
                        seq: expected,
                        problem,
                    })
                };
                if r.seq != expected {
                    return Err(broken(AuditProblem::Missing));
                }
                if r.prev_hash != prev {
                    return Err(broken(AuditProblem::OutOfOrder));
                }
                if r.computed_hash() != r.hash {
                    return Err(broken(AuditProblem::Edited));
                }
                prev = r.hash;
                expected += 1;
            }
        }
        Ok(AuditReport {
            entries: expected - 1,
            last_hash: prev,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_read_as_one_line_naming_the_entry() {
        let b = |problem| AuditBreak { seq: 17, problem }.to_string();
        assert_eq!(
            b(AuditProblem::Edited),
            "audit log broken at entry 17: its contents were changed after it was written"
        );
        assert_eq!(
            b(AuditProblem::Missing),
            "audit log broken at entry 17: entry 17 is missing"
        );
        assert_eq!(
            b(AuditProblem::OutOfOrder),
            "audit log broken at entry 17: entry 17 does not follow entry 16"
        );
    }
}
