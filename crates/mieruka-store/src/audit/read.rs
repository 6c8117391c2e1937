//! Reading the audit log: entries for auditors, newest first, the verification that walks the
//! whole chain and names the first entry that does not hold, and anchors to keep elsewhere.

use std::collections::BTreeMap;

use mieruka_domain::{Date, Timestamp};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::seal::same;
use super::{GENESIS_HASH, Hashed, entry_hash};
use crate::ids::OrgId;
use crate::{Result, Store, StoreError};

/// Rows read per query while verifying, so a long log is not held in memory at once.
const VERIFY_PAGE: i64 = 2000;

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

/// A whole chain: how many entries, the hash of the last, and what vouched for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub entries: i64,
    pub last_hash: String,
    /// Entries whose seal was checked against the audit key.
    pub sealed: i64,
    /// Entries written before the log had a key (covered by the chain and the head only).
    pub unsealed: i64,
    /// Sealed entries whose seal could not be checked: this store has no key.
    pub unchecked: i64,
    /// The head this machine recorded (an entry number), which the log still holds.
    pub head: Option<i64>,
}

/// The newest entry of the log, as one line to keep somewhere the database's writers cannot
/// reach (printed by `mieruka audit anchor`); [`Store::verify_audit_with`] checks that the log
/// still holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    /// The entry's number (0: the log was empty).
    pub seq: i64,
    pub hash: String,
    /// When the entry was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// When the anchor was taken.
    pub taken: String,
    /// HMAC-SHA256 under the audit key of `"mieruka audit anchor\n<seq>\n<hash>"`; absent
    /// when the store had no key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
}

impl Anchor {
    /// The anchor as one line of JSON.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("an anchor serialises")
    }

    /// Reads an anchor from one line of JSON, naming what is wrong.
    pub fn parse(line: &str) -> Result<Anchor> {
        let anchor: Anchor = serde_json::from_str(line.trim())
            .map_err(|e| StoreError::invalid("anchor", format!("not an audit anchor: {e}")))?;
        if anchor.seq < 0 {
            return Err(StoreError::invalid("anchor.seq", "must not be negative"));
        }
        let hex64 = |h: &str| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex64(&anchor.hash) {
            return Err(StoreError::invalid(
                "anchor.hash",
                "must be 64 hexadecimal digits",
            ));
        }
        Ok(anchor)
    }
}

/// How the chain is broken at an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditProblem {
    /// The entry's contents do not match its hash.
    Edited,
    /// No entry has this number, though later ones exist.
    Missing,
    /// The newest entries are gone: the log ends before an entry the head or an anchor
    /// recorded (`recorded`).
    Deleted,
    /// The entry is not the one the head or an anchor recorded at this number.
    Rewritten,
    /// The entry's seal does not match the audit key: it was rewritten (with the chain
    /// after it recomputed), or sealed with another key.
    BadSeal,
    /// The entry has no seal, though sealing had begun before it was written.
    Unsealed,
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
    /// For [`AuditProblem::Deleted`]: the entry the head or an anchor recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded: Option<i64>,
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
            AuditProblem::Deleted => {
                let recorded = self.recorded.unwrap_or(seq);
                if seq <= 1 {
                    format!(
                        "every entry was deleted: the log is empty, but entry {recorded} was recorded"
                    )
                } else {
                    format!(
                        "the newest entries were deleted: the log ends at entry {}, but entry {recorded} was recorded",
                        seq - 1
                    )
                }
            }
            AuditProblem::Rewritten => {
                "it is not the entry that was recorded: the log was rewritten from here or before"
                    .into()
            }
            AuditProblem::BadSeal => {
                "its seal does not match the audit key: it was rewritten, or sealed with another key"
                    .into()
            }
            AuditProblem::Unsealed => {
                "it has no seal, though the log was sealed before it was written".into()
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
    mac: Option<String>,
}

const COLUMNS: &str = "seq, at, actor, action, entity, entity_key, org_id, before_json, \
     after_json, prev_hash, hash, mac";

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
        mac: row.try_get("mac")?,
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

    /// Walks the whole log in order, recomputing every hash and checking every link, number
    /// and seal, and compares it with this machine's head; reports the first entry that does
    /// not hold (`VerifyError::Broken`). Reads page by page: memory stays flat however long
    /// the log.
    pub async fn verify_audit(&self) -> Result<AuditReport, VerifyError> {
        self.verify_audit_with(&[]).await
    }

    /// [`Store::verify_audit`], also requiring the log to hold every anchor in `anchors` (an
    /// anchor whose seal does not match this store's key is refused as such).
    pub async fn verify_audit_with(&self, anchors: &[Anchor]) -> Result<AuditReport, VerifyError> {
        let seal = self.seal.as_deref();
        // Entries the log must hold, by number: the head, then the anchors.
        let mut recorded: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        let head = match seal {
            Some(s) => s.head()?,
            None => None,
        };
        if let Some(h) = &head {
            recorded.entry(h.seq).or_default().push(h.hash.clone());
        }
        for a in anchors {
            if let (Some(s), Some(mac)) = (seal, &a.mac)
                && !same(mac, &s.anchor_mac(a.seq, &a.hash))
            {
                return Err(VerifyError::Store(StoreError::invalid(
                    "anchor",
                    format!(
                        "the anchor of entry {} does not carry this audit key's seal: it was \
                         altered, or taken from another database",
                        a.seq
                    ),
                )));
            }
            if a.seq > 0 {
                recorded.entry(a.seq).or_default().push(a.hash.clone());
            }
        }
        let must_seal_after = seal.map_or(i64::MAX, |s| s.since());
        let mut report = AuditReport {
            entries: 0,
            last_hash: GENESIS_HASH.to_string(),
            sealed: 0,
            unsealed: 0,
            unchecked: 0,
            head: head.as_ref().map(|h| h.seq),
        };
        let mut expected = 1;
        let mut sealing_began = false;
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
                        recorded: None,
                    })
                };
                if r.seq != expected {
                    return Err(broken(AuditProblem::Missing));
                }
                if r.prev_hash != report.last_hash {
                    return Err(broken(AuditProblem::OutOfOrder));
                }
                if r.computed_hash() != r.hash {
                    return Err(broken(AuditProblem::Edited));
                }
                match (&r.mac, seal) {
                    (Some(mac), Some(s)) => {
                        if !same(mac, &s.entry_mac(&r.hash)) {
                            return Err(broken(AuditProblem::BadSeal));
                        }
                        sealing_began = true;
                        report.sealed += 1;
                    }
                    (Some(_), None) => {
                        sealing_began = true;
                        report.unchecked += 1;
                    }
                    (None, _) => {
                        if sealing_began || r.seq > must_seal_after {
                            return Err(broken(AuditProblem::Unsealed));
                        }
                        report.unsealed += 1;
                    }
                }
                if let Some(hashes) = recorded.get(&r.seq)
                    && hashes.iter().any(|h| *h != r.hash)
                {
                    return Err(broken(AuditProblem::Rewritten));
                }
                report.last_hash = r.hash;
                expected += 1;
            }
        }
        report.entries = expected - 1;
        if let Some((&furthest, _)) = recorded.last_key_value()
            && furthest > report.entries
        {
            return Err(VerifyError::Broken(AuditBreak {
                seq: report.entries + 1,
                problem: AuditProblem::Deleted,
                recorded: Some(furthest),
            }));
        }
        Ok(report)
    }

    /// The newest entry as an anchor taken at `now`, sealed when this store has the key.
    pub async fn audit_anchor(&self, now: Timestamp) -> Result<Anchor> {
        let newest = sqlx::query("SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(self.pool())
            .await?;
        let (seq, hash, at) = match newest {
            Some(row) => (
                row.try_get::<i64, _>("seq")?,
                row.try_get::<String, _>("hash")?,
                Some(row.try_get::<String, _>("at")?),
            ),
            None => (0, GENESIS_HASH.to_string(), None),
        };
        let mac = self.seal.as_deref().map(|s| s.anchor_mac(seq, &hash));
        Ok(Anchor {
            seq,
            hash,
            at,
            taken: now.to_string(),
            mac,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_read_as_one_line_naming_the_entry() {
        let b = |problem| {
            AuditBreak {
                seq: 17,
                problem,
                recorded: None,
            }
            .to_string()
        };
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
        let deleted = |seq| AuditBreak {
            seq,
            problem: AuditProblem::Deleted,
            recorded: Some(20),
        };
        assert_eq!(
            deleted(17).to_string(),
            "audit log broken at entry 17: the newest entries were deleted: the log ends at \
             entry 16, but entry 20 was recorded"
        );
        assert_eq!(
            deleted(1).to_string(),
            "audit log broken at entry 1: every entry was deleted: the log is empty, but entry \
             20 was recorded"
        );
    }
}
