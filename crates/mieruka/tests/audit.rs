//! `mieruka audit` as a user runs it: the demo's changes are all in the log under the login
//! name, `verify` passes on an untouched log, and after a row is altered behind mieruka's back
//! `verify` fails with one line naming the entry; a log cut short is named too, against the
//! head kept beside the key or an anchor kept elsewhere.

use std::process::{Command, Output};

use serde_json::Value;
use sqlx::{Connection, SqliteConnection};

/// A private home folder and SQLite database for one test.
struct Env {
    home: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn file(&self) -> std::path::PathBuf {
        self.home.path().join("m.sqlite3")
    }

    fn run(&self, line: &str) -> Output {
        let url = format!("sqlite://{}", self.file().display());
        Command::new(env!("CARGO_BIN_EXE_mieruka"))
            .args(line.split_whitespace())
            .args(["--database", &url])
            .env("MIERUKA_HOME", self.home.path())
            .env("USER", "tester")
            .env_remove("MIERUKA_DATABASE_URL")
            .env_remove("MIERUKA_AUDIT_KEY_FILE")
            .env_remove("MIERUKA_LANG")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("mieruka runs")
    }

    fn ok(&self, line: &str) -> String {
        let out = self.run(line);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "mieruka {line} failed: {stderr}");
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    fn json(&self, line: &str) -> Value {
        serde_json::from_str(&self.ok(line)).expect("JSON output")
    }

    /// Runs a command that must fail with exactly `expected` as its one line on stderr; returns
    /// its stdout.
    fn fails(&self, line: &str, expected: &str) -> String {
        let out = self.run(line);
        assert!(!out.status.success(), "mieruka {line} should fail");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end(), expected, "mieruka {line}");
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs SQL on the database file directly, as someone bypassing mieruka would.
    async fn tamper(&self, sql: &str) {
        let url = format!("sqlite://{}", self.file().display());
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut conn)
            .await
            .unwrap();
        assert!(done.rows_affected() >= 1, "{sql}");
        conn.close().await.unwrap();
    }
}

#[tokio::test]
async fn the_demo_is_audited_and_tampering_is_named() {
    let env = Env::new();
    env.ok("demo --no-serve --today 2026-11-26");

    let all = env.json("audit list --json --limit 1000");
    let entries = all.as_array().unwrap();
    let n = entries.len();
    assert!(n > 50, "the demo makes many changes, got {n}");
    assert!(
        entries.iter().all(|e| e["actor"] == "tester"),
        "every change is by the login name"
    );
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=n as i64).rev().collect::<Vec<_>>(),
        "newest first"
    );
    let org = entries
        .iter()
        .find(|e| e["entity"] == "organisation")
        .expect("the demo organisation's entry");
    assert_eq!(
        (&org["action"], &org["entity_key"]),
        (&"create".into(), &"demo".into())
    );
    assert_eq!(org["after"]["slug"], "demo");
    let measurement = entries
        .iter()
        .find(|e| e["entity"] == "measurement")
        .expect("a measurement's entry");
    assert!(measurement["after"]["recorded_by"].is_string());
    assert!(measurement["after"]["value"].is_object());
    assert!(
        entries
            .iter()
            .filter(|e| e["entity"] == "user")
            .all(|e| !e["after"].to_string().contains("password")),
        "no credential is logged"
    );

    // Per organisation, with the default page of 50.
    let demo = env.json("audit list --org demo --json");
    let demo = demo.as_array().unwrap();
    assert_eq!(demo.len(), 50);
    assert!(demo.iter().all(|e| e["org_id"] == org["org_id"]));
    let text = env.ok("audit list --limit 3");
    assert!(text.contains("実行者") && text.contains("tester"), "{text}");
    assert_eq!(
        text.lines().count(),
        5,
        "header, rule and three entries: {text}"
    );
    let english = env.ok("--lang en audit list --limit 1");
    assert!(
        english.contains("Actor") && english.contains("tester"),
        "{english}"
    );
    env.fails(
        "audit list --org nobody",
        "error: organisation `nobody` was not found (`mieruka org list` shows them; `mieruka demo` creates `demo`)",
    );
    env.fails("audit list --limit 0", "error: --limit: give at least 1");

    // An untouched log verifies, in both languages and as JSON.
    let ja = env.ok("audit verify");
    assert!(
        ja.starts_with(&format!("監査ログ: {n} 件、改ざんなし\n")),
        "{ja}"
    );
    let en = env.ok("--lang en audit verify");
    assert!(
        en.starts_with(&format!("Audit log: {n} entries, not tampered with\n")),
        "{en}"
    );
    let v = env.json("audit verify --json");
    assert_eq!(
        (&v["ok"], v["entries"].as_u64()),
        (&Value::Bool(true), Some(n as u64))
    );
    assert_eq!(v["last_hash"], entries[0]["hash"]);

    // An entry edited behind mieruka's back.
    env.tamper("UPDATE audit_log SET actor = 'mallory' WHERE seq = 17")
        .await;
    env.fails(
        "audit verify",
        "error: audit log broken at entry 17: its contents were changed after it was written",
    );
    let stdout = env.fails(
        "audit verify --json",
        "error: audit log broken at entry 17: its contents were changed after it was written",
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (&v["ok"], &v["entry"], &v["problem"]),
        (&false.into(), &17.into(), &"edited".into())
    );
    env.tamper("UPDATE audit_log SET actor = 'tester' WHERE seq = 17")
        .await;
    env.ok("audit verify");

    // An entry deleted.
    env.tamper("DELETE FROM audit_log WHERE seq = 20").await;
    env.fails(
        "audit verify",
        "error: audit log broken at entry 20: entry 20 is missing",
    );
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn a_cut_log_is_named_against_the_head_and_a_kept_anchor() {
    let env = Env::new();
    env.ok("org create acme --name Acme");
    let key = env.home.path().join("m.sqlite3.audit-key");
    assert_eq!(
        mode(&key),
        0o600,
        "the key is made beside the file, private"
    );
    let v = env.json("audit verify --json");
    let entries = v["entries"].as_i64().unwrap();
    assert!(entries > 1);
    assert_eq!(
        (&v["sealed"], &v["unsealed"], &v["head"]),
        (&entries.into(), &0.into(), &entries.into())
    );

    // An anchor, kept in a file of anchors.
    let line = env.ok("audit anchor");
    assert_eq!(line.lines().count(), 1, "{line}");
    let anchor: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(anchor["seq"], entries);
    let kept = env.home.path().join("anchors.txt");
    std::fs::write(&kept, format!("# kept off the server\n{line}")).unwrap();
    env.ok("org create beta --name Beta");
    let en = env.ok(&format!(
        "--lang en audit verify --anchor {}",
        kept.display()
    ));
    assert!(en.contains("anchors: all 1 held"), "{en}");
    assert!(en.contains("seals: "), "{en}");

    env.ok("org create gamma --name Gamma");

    // The newest entries deleted behind mieruka's back, from the anchored one on: named
    // against the head…
    let newest = entries + 2;
    env.tamper(&format!("DELETE FROM audit_log WHERE seq >= {entries}"))
        .await;
    let kept_until = entries - 1;
    env.fails(
        "audit verify",
        &format!(
            "error: audit log broken at entry {entries}: the newest entries were deleted: the log \
             ends at entry {kept_until}, but entry {newest} was recorded"
        ),
    );
    let out = env.run("audit verify --json");
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&v["ok"], &v["entry"], &v["problem"], &v["recorded"]),
        (
            &false.into(),
            &entries.into(),
            &"deleted".into(),
            &newest.into()
        )
    );
    // …and, with the head file gone as well, against the anchor.
    std::fs::remove_file(env.home.path().join("m.sqlite3.audit-key.head")).unwrap();
    env.ok("audit verify");
    env.fails(
        &format!("audit verify --anchor {}", kept.display()),
        &format!(
            "error: audit log broken at entry {entries}: the newest entries were deleted: the log \
             ends at entry {kept_until}, but entry {entries} was recorded"
        ),
    );
    env.fails(
        "audit verify --anchor {\"seq\":1}",
        "error: --anchor: anchor: not an audit anchor: missing field `hash` at line 1 column 9",
    );

    // A key others may read is refused, with the fix.
    let shown = key.display();
    std::process::Command::new("chmod")
        .args(["644", &shown.to_string()])
        .status()
        .unwrap();
    env.fails(
        "audit verify",
        &format!(
            "error: the audit key file {shown}: other users may read or change it (permissions \
             644); allow its owner only: chmod 600 {shown}"
        ),
    );
}
