//! The audit log: every change made through the store — who, when, what, before and after —
//! written in the change's own transaction and hash-chained, so an entry edited, deleted or
//! moved afterwards is found by [`Store::verify_audit`].
//!
//! # The chain
//!
//! Entries are numbered 1, 2, 3… without gaps. Each keeps the previous entry's hash
//! (`prev_hash`; 64 zeros for the first) and its own: `hash` is the hex SHA-256 of the JSON
//! array `[prev_hash, seq, at, actor, action, entity, entity_key, org_id, before_json,
//! after_json]`. JSON quotes and escapes every string and writes a missing value as `null`, so
//! two different entries never hash the same bytes. `before_json`/`after_json` are hashed as the
//! stored text, exactly as a verifier reads it back.
//!
//! # Writing
//!
//! A mutating store function opens its transaction with [`Store::begin_write`], collects one
//! [`Change`] per thing it changed, and finishes with [`Store::commit_audited`], which appends
//! the entries and commits. A change therefore never lacks its entry, and a failed change
//! (rolled back when the transaction is dropped) leaves none.
//!
//! Numbering must be serialised between writers:
//! - PostgreSQL: `pg_advisory_xact_lock` is taken just before appending and held until commit.
//!   Appending is the transaction's last step, so the lock holder never waits on another
//!   writer's rows, and the lock cannot take part in a deadlock.
//! - SQLite: writers take the write lock at `BEGIN IMMEDIATE`. A deferred transaction that read
//!   first fails with `SQLITE_BUSY` (without waiting) when it upgrades after another writer
//!   committed; an immediate one waits its turn under the busy timeout instead.
//!
//! `at` is the wall-clock time the entry was written, not the caller's `now`, which may be a
//! chosen date (the demo builds its history "as if today were" another day).
//!
//! # What verification cannot see
//!
//! Removing the newest entries leaves a shorter chain that is still whole, and so does rewriting
//! every entry from some point on with fresh hashes. Both change the last hash: an auditor who
//! noted `entries` and `last_hash` from an earlier [`AuditReport`] detects them by comparing.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::ids::OrgId;
use crate::{Backend, Result, Store, StoreError};

/// The previous hash of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An arbitrary constant naming the audit log's append lock on PostgreSQL ("mieruka" + 1, so it
/// differs from the migration lock).
const PG_AUDIT_LOCK_KEY: i64 = 0x006d_6965_7275_6b62;

/// Rows read per query while verifying, so a long log is not held in memory at once.
const VERIFY_PAGE: i64 = 1000;

/// What a change did to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
        }
    }
}

/// One change to record, built by a mutating store function before it commits.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    action: AuditAction,
    entity: &'static str,
    key: String,
    org: Option<OrgId>,
    before: Option<String>,
    after: Option<String>,
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("an audited value serialises")
}

impl Change {
    pub(crate) fn create(
        entity: &'static str,
        key: impl Into<String>,
        org: Option<OrgId>,
        after: &impl Serialize,
    ) -> Change {
        Change {
            action: AuditAction::Create,
            entity,
            key: key.into(),
            org,
            before: None,
            after: Some(to_json(after)),
        }
    }

    pub(crate) fn update(
        entity: &'static str,
        key: impl Into<String>,
        org: Option<OrgId>,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> Change {
        Change {
            action: AuditAction::Update,
            entity,
            key: key.into(),
            org,
            before: Some(to_json(before)),
            after: Some(to_json(after)),
        }
    }

    /// An update, or `None` when nothing changed (a value set to what it already was).
    pub(crate) fn update_if_changed<T: Serialize + PartialEq>(
        entity: &'static str,
        key: impl Into<String>,
        org: Option<OrgId>,
        before: &T,
        after: &T,
    ) -> Option<Change> {
        (before != after).then(|| Change::update(entity, key, org, before, after))
    }

    pub(crate) fn delete(
        entity: &'static str,
        key: impl Into<String>,
        org: Option<OrgId>,
        before: &impl Serialize,
    ) -> Change {
        Change {
            action: AuditAction::Delete,
            entity,
            key: key.into(),
            org,
            before: Some(to_json(before)),
            after: None,
        }
    }
}

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

/// The hashed fields, in the order they are hashed.
struct Hashed<'a> {
    prev_hash: &'a str,
    seq: i64,
    at: &'a str,
    actor: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_key: &'a str,
    org_id: Option<i64>,
    before_json: Option<&'a str>,
    after_json: Option<&'a str>,
}

fn entry_hash(h: &Hashed<'_>) -> String {
    let encoded = to_json(&(
        h.prev_hash,
        h.seq,
        h.at,
        h.actor,
        h.action,
        h.entity,
        h.entity_key,
        h.org_id,
        h.before_json,
        h.after_json,
    ));
    Sha256::digest(encoded.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Appends `changes` to the chain inside `tx` (see the module's notes on serialisation).
async fn append(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    actor: &str,
    changes: &[Change],
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(PG_AUDIT_LOCK_KEY)
            .execute(&mut **tx)
            .await?;
    }
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    let (mut seq, mut prev) = match last {
        Some(row) => (row.try_get::<i64, _>("seq")?, row.try_get("hash")?),
        None => (0, GENESIS_HASH.to_string()),
    };
    let at = crate::now_for_bookkeeping();
    for c in changes {
        seq += 1;
        let hash = entry_hash(&Hashed {
            prev_hash: &prev,
            seq,
            at: &at,
            actor,
            action: c.action.code(),
            entity: c.entity,
            entity_key: &c.key,
            org_id: c.org.map(|o| o.0),
            before_json: c.before.as_deref(),
            after_json: c.after.as_deref(),
        });
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_key, org_id, \
             before_json, after_json, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(seq)
        .bind(&at)
        .bind(actor)
        .bind(c.action.code())
        .bind(c.entity)
        .bind(&c.key)
        .bind(c.org.map(|o| o.0))
        .bind(c.before.as_deref())
        .bind(c.after.as_deref())
        .bind(&prev)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
        prev = hash;
    }
    Ok(())
}

impl Store {
    /// Begins a transaction that will write. On SQLite it takes the write lock at once (see the
    /// module's notes), so reads made before the first write cannot make the commit fail.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool().begin().await?,
        })
    }

    /// Records `changes` as made by this handle's actor, then commits.
    pub(crate) async fn commit_audited(
        &self,
        mut tx: Transaction<'static, Any>,
        changes: &[Change],
    ) -> Result<()> {
        append(&mut tx, self.backend(), self.actor(), changes).await?;
        tx.commit().await?;
        Ok(())
    }

    /// ` FOR UPDATE` on PostgreSQL, to lock a row whose "before" is read for the log until the
    /// change commits; nothing on SQLite, whose writers are already serialised (and which has
    /// no such clause).
    pub(crate) fn for_update(&self) -> &'static str {
        match self.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
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

    fn hashed<'a>(entity_key: &'a str, before: Option<&'a str>) -> Hashed<'a> {
        Hashed {
            prev_hash: GENESIS_HASH,
            seq: 1,
            at: "2026-01-01T00:00:00Z",
            actor: "alice",
            action: "create",
            entity: "unit",
            entity_key,
            org_id: Some(1),
            before_json: before,
            after_json: None,
        }
    }

    #[test]
    fn the_encoding_keeps_field_boundaries_and_absence() {
        let a = entry_hash(&hashed("a", Some("b")));
        // The same characters split differently between two fields hash differently…
        assert_ne!(a, entry_hash(&hashed("ab", Some(""))));
        assert_ne!(a, entry_hash(&hashed("a\",\"b", None)));
        // …and an empty value is not a missing one.
        assert_ne!(
            entry_hash(&hashed("a", Some(""))),
            entry_hash(&hashed("a", None))
        );
        assert_eq!(a.len(), 64);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(a, entry_hash(&hashed("a", Some("b"))));
    }

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
