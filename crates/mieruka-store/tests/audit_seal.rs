//! The audit log against someone who can write to the database but not read the audit key
//! file: cutting the newest entries (or all of them), rewriting an entry and recomputing every
//! later hash, or stripping the seals, is found and named — on SQLite and, when a server is
//! given, PostgreSQL. Also: the key file's own rules (created private, refused when others may
//! read it, required once the log is sealed), entries written before the key, and anchors kept
//! elsewhere.

use std::path::{Path, PathBuf};

use mieruka_domain::org::Organisation;
use mieruka_domain::{Maturity, Timestamp};
use mieruka_store::audit::{Anchor, AuditBreak, AuditProblem, VerifyError};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store, StoreError};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Connection, Row};

fn now(step: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_795_709_467 + step)
}

fn org(code: &str) -> Organisation {
    Organisation::new(code, "空調メーカー", Maturity::Initial, 4).unwrap()
}

fn raw_url(url: &DatabaseUrl) -> String {
    match url {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(u) => u.clone(),
    }
}

/// A database to tamper with, and a folder for its key (outside the database).
struct Case {
    url: DatabaseUrl,
    keys: tempfile::TempDir,
}

impl Case {
    fn key(&self) -> PathBuf {
        self.keys.path().join("audit.key")
    }

    fn head(&self) -> PathBuf {
        self.keys.path().join("audit.key.head")
    }

    async fn open(&self) -> Store {
        Store::open_with(&self.url, Some(&self.key()))
            .await
            .unwrap()
            .with_actor("alice")
    }

    async fn raw(&self) -> AnyConnection {
        AnyConnection::connect(&raw_url(&self.url)).await.unwrap()
    }
}

async fn add_orgs(store: &Store, from: i64, to: i64) {
    for i in from..=to {
        store
            .create_organisation(&org(&format!("org{i}")), now(i))
            .await
            .unwrap();
    }
}

async fn broken_at(store: &Store) -> AuditBreak {
    match store.verify_audit().await {
        Err(VerifyError::Broken(b)) => b,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

async fn exec(raw: &mut AnyConnection, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut *raw)
        .await
        .unwrap();
}

/// Rewrites entry `from`'s actor, then recomputes its hash and every later entry's link and
/// hash as the audit module documents them: a chain whole again, as someone with write access
/// to the database (and the documentation) would leave it. Seals are left as they were.
async fn rewrite_from(raw: &mut AnyConnection, from: i64, actor: &str) {
    exec(
        raw,
        &format!("UPDATE audit_log SET actor = '{actor}' WHERE seq = {from}"),
    )
    .await;
    let rows = sqlx::query("SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq")
        .bind(from)
        .fetch_all(&mut *raw)
        .await
        .unwrap();
    let mut prev: Option<String> = None;
    for r in rows {
        let seq: i64 = r.get("seq");
        let prev_hash: String = prev.clone().unwrap_or_else(|| r.get("prev_hash"));
        let encoded = serde_json::to_string(&json!([
            prev_hash,
            seq,
            r.get::<String, _>("at"),
            r.get::<String, _>("actor"),
            r.get::<String, _>("action"),
            r.get::<String, _>("entity"),
            r.get::<String, _>("entity_key"),
            r.get::<Option<i64>, _>("org_id"),
            r.get::<Option<String>, _>("before_json"),
            r.get::<Option<String>, _>("after_json"),
        ]))
        .unwrap();
        let hash: String = Sha256::digest(encoded.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
            .bind(&prev_hash)
            .bind(&hash)
            .bind(seq)
            .execute(&mut *raw)
            .await
            .unwrap();
        prev = Some(hash);
    }
}

/// What one database's tampering with the entries shows: every attempt named.
async fn cuts_and_rewrites(case: &Case) {
    let store = case.open().await;
    add_orgs(&store, 1, 6).await;
    let whole = store.verify_audit().await.unwrap();
    assert_eq!(
        (whole.entries, whole.sealed, whole.unsealed, whole.head),
        (6, 6, 0, Some(6))
    );
    let mut raw = case.raw().await;

    // The newest entries deleted.
    exec(&mut raw, "CREATE TABLE kept AS SELECT * FROM audit_log").await;
    exec(&mut raw, "DELETE FROM audit_log WHERE seq >= 5").await;
    let b = broken_at(&store).await;
    assert_eq!(
        (b.seq, b.problem, b.recorded),
        (5, AuditProblem::Deleted, Some(6))
    );
    assert_eq!(
        b.to_string(),
        "audit log broken at entry 5: the newest entries were deleted: the log ends at entry 4, \
         but entry 6 was recorded"
    );

    // …and then written past the old head, new entries taking the numbers: the head stayed
    // where it was, and the entry at its number is not the one recorded.
    add_orgs(&store, 11, 13).await;
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (6, AuditProblem::Rewritten));
    exec(&mut raw, "DELETE FROM audit_log WHERE seq >= 5").await;

    // Every entry deleted.
    exec(&mut raw, "DELETE FROM audit_log").await;
    let b = broken_at(&store).await;
    assert_eq!(
        (b.seq, b.problem, b.recorded),
        (1, AuditProblem::Deleted, Some(6))
    );
    assert!(b.to_string().contains("every entry was deleted"), "{b}");
    exec(&mut raw, "INSERT INTO audit_log SELECT * FROM kept").await;
    assert_eq!(store.verify_audit().await.unwrap(), whole);

    // An entry edited and every later hash recomputed: the chain is whole again, the seals
    // are not.
    rewrite_from(&mut raw, 3, "mallory").await;
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (3, AuditProblem::BadSeal));
    assert_eq!(
        b.to_string(),
        "audit log broken at entry 3: its seal does not match the audit key: it was rewritten, \
         or sealed with another key"
    );

    // …and with the seals stripped from there on.
    exec(&mut raw, "UPDATE audit_log SET mac = NULL WHERE seq >= 3").await;
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (3, AuditProblem::Unsealed));

    // …or from the first entry on, as if the log had never been sealed: the key says since
    // when entries must be sealed.
    rewrite_from(&mut raw, 1, "mallory").await;
    exec(&mut raw, "UPDATE audit_log SET mac = NULL").await;
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (1, AuditProblem::Unsealed));

    // Put back, the log verifies and goes on.
    exec(&mut raw, "DELETE FROM audit_log").await;
    exec(&mut raw, "INSERT INTO audit_log SELECT * FROM kept").await;
    assert_eq!(store.verify_audit().await.unwrap(), whole);
    add_orgs(&store, 7, 7).await;
    let longer = store.verify_audit().await.unwrap();
    assert_eq!((longer.entries, longer.head), (7, Some(7)));

    // Another instance writing to the same database (with the same key, its own head) makes
    // the log longer than this machine's head: allowed.
    let elsewhere = tempfile::tempdir().unwrap();
    let other_key = elsewhere.path().join("audit.key");
    std::fs::copy(case.key(), &other_key).unwrap();
    let other = Store::open_with(&case.url, Some(&other_key))
        .await
        .unwrap()
        .with_actor("bob");
    add_orgs(&other, 8, 9).await;
    let report = store.verify_audit().await.unwrap();
    assert_eq!(
        (report.entries, report.sealed, report.head),
        (9, 9, Some(7))
    );
    other.close().await;
    raw.close().await.unwrap();
    store.close().await;
}

async fn sqlite_case() -> (tempfile::TempDir, Case) {
    let dir = tempfile::tempdir().unwrap();
    let case = Case {
        url: DatabaseUrl::sqlite(dir.path().join("m.sqlite3")),
        keys: tempfile::tempdir().unwrap(),
    };
    (dir, case)
}

#[tokio::test]
async fn cut_and_rewritten_logs_are_named_on_sqlite() {
    let (_dir, case) = sqlite_case().await;
    cuts_and_rewrites(&case).await;
}

#[tokio::test]
async fn cut_and_rewritten_logs_are_named_on_postgres() {
    let Some(server) = postgres_server("cut_and_rewritten_logs_are_named_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    let case = Case {
        url: db.url.clone(),
        keys: tempfile::tempdir().unwrap(),
    };
    cuts_and_rewrites(&case).await;
    db.drop_now().await.unwrap();
}

/// Entries written before the log had a key are unsealed, not failures; the head recorded when
/// the key was made still covers them; every entry after the key must be sealed.
async fn before_the_key(case: &Case) {
    let unsealed = Store::open_with(&case.url, None).await.unwrap();
    add_orgs(&unsealed, 1, 3).await;
    let report = unsealed.verify_audit().await.unwrap();
    assert_eq!((report.entries, report.unsealed, report.head), (3, 3, None));
    unsealed.close().await;

    let store = case.open().await;
    let report = store.verify_audit().await.unwrap();
    assert_eq!(
        (report.entries, report.sealed, report.unsealed, report.head),
        (3, 0, 3, Some(3)),
        "the key's creation records the head"
    );
    let mut raw = case.raw().await;
    exec(&mut raw, "CREATE TABLE kept AS SELECT * FROM audit_log").await;
    // Rewriting the unsealed entries with fresh hashes changes the recorded head entry.
    rewrite_from(&mut raw, 2, "mallory").await;
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (3, AuditProblem::Rewritten));
    exec(&mut raw, "DELETE FROM audit_log").await;
    exec(&mut raw, "INSERT INTO audit_log SELECT * FROM kept").await;

    add_orgs(&store, 4, 5).await;
    let report = store.verify_audit().await.unwrap();
    assert_eq!(
        (report.entries, report.sealed, report.unsealed, report.head),
        (5, 2, 3, Some(5))
    );
    // A store without the key writing after sealing began leaves an entry verification
    // refuses.
    let keyless = Store::open_with(&case.url, None).await.unwrap();
    add_orgs(&keyless, 6, 6).await;
    keyless.close().await;
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (6, AuditProblem::Unsealed));
    raw.close().await.unwrap();
    store.close().await;
}

#[tokio::test]
async fn entries_before_the_key_are_unsealed_not_broken_on_sqlite() {
    let (_dir, case) = sqlite_case().await;
    before_the_key(&case).await;
}

#[tokio::test]
async fn entries_before_the_key_are_unsealed_not_broken_on_postgres() {
    let Some(server) =
        postgres_server("entries_before_the_key_are_unsealed_not_broken_on_postgres")
    else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    let case = Case {
        url: db.url.clone(),
        keys: tempfile::tempdir().unwrap(),
    };
    before_the_key(&case).await;
    db.drop_now().await.unwrap();
}

fn seal_error(e: StoreError) -> String {
    match e {
        StoreError::AuditSeal { .. } => e.to_string(),
        other => panic!("expected a key file error, got {other:?}"),
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn the_key_file_is_private_required_and_the_right_one() {
    let (_dir, case) = sqlite_case().await;
    let store = case.open().await;
    add_orgs(&store, 1, 3).await;
    store.close().await;
    assert_eq!(
        mode(&case.key()),
        0o600,
        "created readable by its owner only"
    );
    assert_eq!(mode(&case.head()), 0o600);

    // Readable by others: refused, saying how to fix it.
    set_mode(&case.key(), 0o644);
    let e = seal_error(
        Store::open_with(&case.url, Some(&case.key()))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        e,
        format!(
            "the audit key file {}: other users may read or change it (permissions 644); allow \
             its owner only: chmod 600 {}",
            case.key().display(),
            case.key().display()
        )
    );
    set_mode(&case.key(), 0o640);
    assert!(
        Store::open_with(&case.url, Some(&case.key()))
            .await
            .is_err()
    );
    set_mode(&case.key(), 0o600);

    // Missing, once the log is sealed: refused rather than replaced by a new key.
    let kept = std::fs::read(case.key()).unwrap();
    std::fs::remove_file(case.key()).unwrap();
    let e = seal_error(
        Store::open_with(&case.url, Some(&case.key()))
            .await
            .unwrap_err(),
    );
    assert!(
        e.contains("it does not exist, but the audit log is already sealed (up to entry 3)"),
        "{e}"
    );
    assert!(!case.key().exists(), "no new key was made");

    // Another key (another database's): its seals do not match, nor does the head.
    let (_other_dir, other) = sqlite_case().await;
    other.open().await.close().await;
    std::fs::copy(other.key(), case.key()).unwrap();
    let store = case.open().await;
    match store.verify_audit().await {
        Err(VerifyError::Store(e)) => assert!(
            e.to_string().starts_with(&format!(
                "the audit head file {}: its seal does not match the audit key",
                case.head().display()
            )),
            "{e}"
        ),
        other => panic!("expected the head refused, got {other:?}"),
    }
    std::fs::remove_file(case.head()).unwrap();
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (1, AuditProblem::BadSeal));
    store.close().await;

    // The right key again: whole.
    std::fs::write(case.key(), kept).unwrap();
    let store = case.open().await;
    assert_eq!(store.verify_audit().await.unwrap().sealed, 3);
    store.close().await;
}

/// An anchor kept elsewhere: it reads back as it was printed, holds while the log grows, and
/// shows a cut that the head cannot (someone who can also change the files beside the key).
async fn anchors(case: &Case) {
    let store = case.open().await;
    let empty = store.audit_anchor(now(0)).await.unwrap();
    assert_eq!(empty.seq, 0);
    add_orgs(&store, 1, 4).await;
    let anchor = store.audit_anchor(now(10)).await.unwrap();
    let line = anchor.to_line();
    assert!(!line.contains('\n'));
    assert_eq!(Anchor::parse(&line).unwrap(), anchor);
    assert_eq!(anchor.seq, 4);
    assert_eq!(anchor.taken, now(10).to_string());
    assert!(anchor.mac.is_some() && anchor.at.is_some());
    let newest = store.audit_entries(None, None, 1).await.unwrap();
    assert_eq!(anchor.hash, newest[0].hash);

    add_orgs(&store, 5, 6).await;
    let report = store
        .verify_audit_with(&[anchor.clone(), empty.clone()])
        .await
        .unwrap();
    assert_eq!(report.entries, 6);

    // Cut back to entry 2, the head file removed as well: only the anchor shows it.
    let mut raw = case.raw().await;
    exec(&mut raw, "DELETE FROM audit_log WHERE seq > 2").await;
    std::fs::remove_file(case.head()).unwrap();
    assert_eq!(store.verify_audit().await.unwrap().entries, 2);
    match store.verify_audit_with(std::slice::from_ref(&anchor)).await {
        Err(VerifyError::Broken(b)) => assert_eq!(
            (b.seq, b.problem, b.recorded),
            (3, AuditProblem::Deleted, Some(4))
        ),
        other => panic!("expected the cut named, got {other:?}"),
    }

    // An altered anchor is refused as such.
    let mut forged = anchor.clone();
    forged.seq = 2;
    match store.verify_audit_with(&[forged]).await {
        Err(VerifyError::Store(e)) => assert!(
            e.to_string()
                .contains("does not carry this audit key's seal"),
            "{e}"
        ),
        other => panic!("expected the anchor refused, got {other:?}"),
    }
    assert!(Anchor::parse("{\"seq\":1}").is_err());
    assert!(
        Anchor::parse(&line.replace(&anchor.hash, "xyz"))
            .unwrap_err()
            .to_string()
            .starts_with("anchor.hash:")
    );
    raw.close().await.unwrap();
    store.close().await;
}

#[tokio::test]
async fn anchors_round_trip_and_show_a_cut_on_sqlite() {
    let (_dir, case) = sqlite_case().await;
    anchors(&case).await;
}

#[tokio::test]
async fn anchors_round_trip_and_show_a_cut_on_postgres() {
    let Some(server) = postgres_server("anchors_round_trip_and_show_a_cut_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    let case = Case {
        url: db.url.clone(),
        keys: tempfile::tempdir().unwrap(),
    };
    anchors(&case).await;
    db.drop_now().await.unwrap();
}
