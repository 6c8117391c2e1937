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
//! - SQLite: writers take turns in this process (`audit/write.rs`, which also commits changes
//!   that arrive together in one transaction), and the batch's transaction takes the file's
//!   write lock at `BEGIN IMMEDIATE`. A deferred transaction that read first fails with
//!   `SQLITE_BUSY` (without waiting) when it upgrades after another writer committed; an
//!   immediate one waits its turn under the busy timeout instead.
//!
//! `at` is the wall-clock time the entry was written, not the caller's `now`, which may be a
//! chosen date (the demo builds its history "as if today were" another day).
//!
//! Sessions, sign-in attempts and a token's last use are not changes to what the product keeps,
//! and are not logged. Password hashes and token digests never are: account entries record
//! flags, roles and names only.
//!
//! # Reading and verifying
//!
//! [`Store::audit_entries`] lists entries newest first, per organisation, page by page.
//! [`Store::verify_audit`] walks the chain; a broken chain is [`VerifyError::Broken`] with an
//! [`AuditBreak`] (the entry's number and what is wrong with it), kept apart from
//! [`crate::StoreError`] so a caller cannot mistake a database failure for tampering or the
//! reverse.
//!
//! # Seals, the head and anchors
//!
//! A chain alone cannot show that its newest entries were removed, or that every entry from
//! some point on was rewritten with fresh hashes: both leave a whole, shorter or different,
//! chain. So (`audit/seal.rs`):
//! - every entry carries a seal (`mac`): HMAC-SHA256 of its hash under a key kept in a file
//!   outside the database. Someone who can write to the database but not read that file cannot
//!   seal a rewritten entry; verification names the first entry whose seal does not match
//!   ([`AuditProblem::BadSeal`]), or that lacks one though sealing had begun
//!   ([`AuditProblem::Unsealed`]). Entries written before the key existed are counted as
//!   unsealed, not failures; they are covered by the chain and the head.
//! - after each commit, the newest entry (number and hash, sealed) is written to a head file
//!   beside the key. Verification requires the log to still hold that entry with that hash
//!   ([`AuditProblem::Deleted`], [`AuditProblem::Rewritten`]); the log may be longer (other
//!   instances write to a shared PostgreSQL database).
//! - [`Store::audit_anchor`] gives the newest entry as one line to keep elsewhere;
//!   [`Store::verify_audit_with`] checks the log against kept anchors the same way. Against
//!   someone who can also read the key file and rewrite the head, only an anchor kept out of
//!   their reach still shows what was there (`docs/security.md`, "Audit log").

mod read;
mod seal;
mod write;

use serde::Serialize;
use sqlx::Row;

use crate::ids::OrgId;
use crate::{Backend, Result, Store};

pub use read::{
    Anchor, AuditBreak, AuditEntry, AuditFilter, AuditProblem, AuditReport, VerifyError, Versions,
};
pub(crate) use seal::Seal;
pub(crate) use write::{Batcher, WriteTx};

/// The previous hash of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An arbitrary constant naming the audit log's append lock on PostgreSQL ("mieruka" + 1, so it
/// differs from the migration lock).
const PG_AUDIT_LOCK_KEY: i64 = 0x006d_6965_7275_6b62;

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
    mieruka_domain::digest::sha256_hex(encoded.as_bytes())
}

/// The newest entry an append wrote, and whether the log still held this machine's recorded
/// head when it did (if not, entries were deleted or rewritten: the head must stay as it is).
struct Appended {
    seq: i64,
    hash: String,
    head_held: bool,
}

/// Appends `changes` to the chain inside `tx` (see the module's notes on serialisation),
/// sealed when there is a key.
async fn append(
    tx: &mut WriteTx,
    backend: Backend,
    actor: &str,
    seal: Option<&Seal>,
    changes: &[Change],
) -> Result<Option<Appended>> {
    if changes.is_empty() {
        return Ok(None);
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
    // Does the log still hold the head recorded on this machine? Usually it is the newest
    // entry, read just above; a head further back takes one lookup.
    let head_held = match seal.and_then(Seal::recorded) {
        None => true,
        Some((head_seq, head_hash)) if head_seq == seq => head_hash == prev,
        Some((head_seq, _)) if head_seq > seq => false,
        Some((head_seq, head_hash)) => {
            let held: Option<String> =
                sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                    .bind(head_seq)
                    .fetch_optional(&mut **tx)
                    .await?;
            held.as_deref() == Some(head_hash.as_str())
        }
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
        let mac = seal.map(|s| s.entry_mac(&hash));
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_key, org_id, \
             before_json, after_json, prev_hash, hash, mac) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
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
        .bind(mac)
        .execute(&mut **tx)
        .await?;
        prev = hash;
    }
    if changes.iter().any(|c| c.entity != MEASUREMENT) {
        sqlx::query("UPDATE config_version SET seq = $1 WHERE id = 1")
            .bind(seq)
            .execute(&mut **tx)
            .await?;
    }
    Ok(Some(Appended {
        seq,
        hash: prev,
        head_held,
    }))
}

/// The entity name of measurement changes: the only changes that leave the configuration
/// version (`Store::versions`) as it was.
const MEASUREMENT: &str = "measurement";

impl Store {
    /// Begins a transaction that will write. On SQLite it takes the write lock at once (see the
    /// module's notes), so reads made before the first write cannot make the commit fail.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx> {
        match self.backend() {
            Backend::Sqlite => WriteTx::turn(&self.batcher, self.writer()).await,
            Backend::Postgres => WriteTx::own(self.writer()).await,
        }
    }

    /// Records `changes` as made by this handle's actor, then commits: returns once the
    /// change is committed (on SQLite, with the batch it joined — see `audit/write.rs`).
    pub(crate) async fn commit_audited(&self, mut tx: WriteTx, changes: &[Change]) -> Result<()> {
        let seal = self.seal.as_deref();
        let newest = append(&mut tx, self.backend(), self.actor(), seal, changes).await?;
        tx.finish().await?;
        if let (Some(seal), Some(newest)) = (seal, newest)
            && newest.head_held
        {
            // The change is committed, and saying otherwise would be wrong. The head is only a
            // lower bound: one left behind is moved on by the next commit, and until then
            // verification compares the log with the older head.
            let _ = seal.record(newest.seq, &newest.hash);
        }
        Ok(())
    }

    /// Reads the audit key at `path`, or creates it (recording the log's newest entry as the
    /// head) when it is missing and the log is not sealed yet. A missing key for a sealed log
    /// is refused: a new key would seal entries no other holder of the log's key can check.
    pub(crate) async fn open_seal(&self, path: &std::path::Path) -> Result<Seal> {
        match std::fs::symlink_metadata(path) {
            Ok(_) => return Seal::read(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(crate::StoreError::AuditSeal {
                    file: format!("the audit key file {}", path.display()),
                    reason: e.to_string(),
                });
            }
        }
        let sealed: Option<i64> =
            sqlx::query_scalar("SELECT MAX(seq) FROM audit_log WHERE mac IS NOT NULL")
                .fetch_one(self.pool())
                .await?;
        if let Some(n) = sealed {
            return Err(crate::StoreError::AuditSeal {
                file: format!("the audit key file {}", path.display()),
                reason: format!(
                    "it does not exist, but the audit log is already sealed (up to entry {n}) \
                     with a key: copy the key file from a machine that writes to this database"
                ),
            });
        }
        let newest = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(self.pool())
            .await?
            .map(|row| Ok::<_, sqlx::Error>((row.try_get("seq")?, row.try_get("hash")?)))
            .transpose()?;
        Seal::create(path, newest)
    }

    /// The audit key file and head file this store seals with, if any.
    pub fn audit_seal_files(&self) -> Option<(&std::path::Path, &std::path::Path)> {
        self.seal.as_deref().map(|s| (s.key_path(), s.head_path()))
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
}
