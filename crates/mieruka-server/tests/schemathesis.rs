//! The API under schemathesis: every operation of the served OpenAPI document is called with
//! generated requests — valid, invalid and in sequences — on SQLite and on PostgreSQL with the
//! demo data and an administrator's write token, and every answer is checked (`--checks all`):
//! no 5xx, and every status, header and body as the document declares.
//!
//! schemathesis is a Python program, pinned in `scripts/schemathesis-requirements.txt` and
//! installed by `scripts/schemathesis.sh` into `<target>/schemathesis-venv`. The command is taken
//! from `MIERUKA_SCHEMATHESIS`, that folder, or `PATH`; when none has it the test prints
//! `SKIPPED: <reason>` and passes, unless `MIERUKA_REQUIRE_SCHEMATHESIS=1` (as in CI).
//!
//! Budget: `MIERUKA_SCHEMATHESIS_EXAMPLES` examples per operation and phase (default 40: both databases, run side by side, take about three minutes on two cores), a fixed
//! seed (`MIERUKA_SCHEMATHESIS_SEED`, default 20261203) so a failure replays. Reports (JUnit and
//! the failing requests as a pytest file) go to `<target>/tmp/schemathesis-<database>/`.
//!
//! Operations left out, each because calling it would lock the run out of the API, and each
//! proved by a test of its own instead — see [`EXCLUDED`].

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::seed::{self, ADMIN, sqlite_url};
use common::{Client, Server, expect, settings};
use mieruka_app::users::{NewToken, create_token};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store};
use serde_json::{Value, json};

/// (method, path, why it is left out, the test that proves it instead).
const EXCLUDED: &[(&str, &str, &str, &str)] = &[
    (
        "DELETE",
        "/api/v1/me/tokens/{id}",
        "revokes the run's own token when the generated id is its id (ids are small numbers)",
        "tests/security.rs api_tokens_act_within_their_scope_until_revoked; \
         tests/schemathesis.rs revoking_ones_own_token_ends_it",
    ),
    (
        "DELETE",
        "/api/v1/me/tokens",
        "revokes every token of the signed-in account, the run's own among them",
        "tests/sign_in.rs tokens_expire_and_can_all_be_revoked",
    ),
    (
        "POST",
        "/api/v1/users/{username}/password",
        "without a password it gives the account a one-time password, and the run's own \
         account (admin) may be drawn: every token of an account with a one-time password is \
         refused until the password is changed",
        "tests/schemathesis.rs a_password_reset_holds_the_accounts_tokens_until_changed; \
         tests/web_admin.rs accounts_and_roles_on_sqlite/_on_postgres",
    ),
];

/// The schemathesis command, or why there is none.
fn command() -> Result<PathBuf, String> {
    if let Ok(path) = std::env::var("MIERUKA_SCHEMATHESIS")
        && !path.trim().is_empty()
    {
        let path = PathBuf::from(path.trim());
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "MIERUKA_SCHEMATHESIS={} is not a file",
                path.display()
            ))
        };
    }
    // `<target>/tmp` is where Cargo points integration tests; the virtual environment the
    // install script makes is beside it.
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(|t| t.join("schemathesis-venv/bin/schemathesis"));
    if let Some(path) = venv.filter(|p| p.is_file()) {
        return Ok(path);
    }
    match Command::new("schemathesis").arg("--version").output() {
        Ok(out) if out.status.success() => Ok(PathBuf::from("schemathesis")),
        _ => Err(
            "schemathesis is not installed (run `bash scripts/schemathesis.sh`, which installs the pinned version under the target folder)"
                .into(),
        ),
    }
}

/// The command, or `None` after printing why the test is skipped (a panic when it is required).
fn schemathesis_or_skip(test: &str) -> Option<PathBuf> {
    match command() {
        Ok(path) => Some(path),
        Err(reason) => {
            let required = std::env::var("MIERUKA_REQUIRE_SCHEMATHESIS").is_ok_and(|v| v == "1");
            assert!(!required, "MIERUKA_REQUIRE_SCHEMATHESIS=1 but {reason}");
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "SKIPPED: {test}: {reason}");
            None
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The demo with a write token for the administrator, served; schemathesis run against it.
async fn run(url: &DatabaseUrl, database: &str, exe: PathBuf) {
    let store = Store::open(url).await.unwrap();
    seed::seed(&store).await;
    let admin = store.credentials(ADMIN.0).await.unwrap().unwrap().user;
    let (_, _, token) = create_token(
        &store,
        admin,
        NewToken {
            name: "schemathesis".into(),
            scope: Some("write".into()),
            expires_in_days: None,
        },
        seed::now(),
    )
    .await
    .unwrap();
    let server = Server::start(settings(), store.clone()).await;
    let base = format!("http://{}", server.addr);

    // Every exclusion names an operation the document has, by its id.
    let doc: Value = Client::new(server.addr)
        .get("/api/v1/openapi.json")
        .await
        .json;
    let mut excluded = Vec::new();
    for (method, path, why, instead) in EXCLUDED {
        let id = doc["paths"][path][method.to_ascii_lowercase()]["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path} is excluded but not documented"))
            .to_string();
        eprintln!("schemathesis leaves out {method} {path} ({id}): {why}; proved by {instead}");
        excluded.push(id);
    }

    let reports =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("schemathesis-{database}"));
    let _ = std::fs::remove_dir_all(&reports);
    std::fs::create_dir_all(&reports).unwrap();
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis.toml");
    let mut cmd = Command::new(exe);
    cmd.current_dir(&reports)
        .env("MIERUKA_SCHEMATHESIS_TOKEN", &token)
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(format!("{base}/api/v1/openapi.json"))
        .args(["--url", &base])
        .args(["--checks", "all"])
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        .args([
            "--max-examples",
            &env_number("MIERUKA_SCHEMATHESIS_EXAMPLES", 40).to_string(),
        ])
        .args([
            "--seed",
            &env_number("MIERUKA_SCHEMATHESIS_SEED", 20_261_203).to_string(),
        ])
        .args(["--workers", "2"])
        .args(["--request-timeout", "60"])
        .args(["--generation-database", "none"])
        .args(["--report", "junit,pytest"])
        .arg("--report-dir")
        .arg(&reports)
        .arg("--no-color");
    for id in &excluded {
        cmd.args(["--exclude-operation-id", id]);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .expect("schemathesis starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    std::fs::write(reports.join("output.txt"), format!("{stdout}\n{stderr}")).unwrap();
    // The run's token still works: nothing it did locked it out.
    let me = Client::with_token(server.addr, &token)
        .get("/api/v1/me")
        .await;
    server.stop().await;
    assert!(
        out.status.success(),
        "schemathesis on {database} failed ({}); reports in {}:\n{stdout}\n{stderr}",
        out.status,
        reports.display()
    );
    expect(&me, 200, "the run's token after the run");
    // The closing lines say how many operations and cases ran; show them.
    let summary: Vec<&str> = stdout.lines().rev().take(12).collect();
    eprintln!(
        "schemathesis on {database}:\n{}",
        summary.into_iter().rev().collect::<Vec<_>>().join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_nothing_on_sqlite() {
    let Some(exe) = schemathesis_or_skip("schemathesis_finds_nothing_on_sqlite") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    run(&sqlite_url(&dir), "sqlite", exe).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_nothing_on_postgres() {
    let Some(exe) = schemathesis_or_skip("schemathesis_finds_nothing_on_postgres") else {
        return;
    };
    let Some(server) = postgres_server("schemathesis_finds_nothing_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    run(&db.url, "postgres", exe).await;
    db.drop_now().await.unwrap();
}

/// What the run leaves out for the token's sake, proved here: revoking one's own token ends it.
#[tokio::test]
async fn revoking_ones_own_token_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    seed::seed(&store).await;
    let server = Server::start(settings(), store).await;
    let admin = Client::signed_in(server.addr, ADMIN.0, ADMIN.1).await;
    let made = admin
        .post(
            "/api/v1/me/tokens",
            json!({"name": "self", "scope": "write"}),
        )
        .await;
    expect(&made, 201, "a token");
    let token = Client::with_token(server.addr, made.json["token"].as_str().unwrap());
    let id = made.json["id"].as_i64().unwrap();
    let r = token.delete(&format!("/api/v1/me/tokens/{id}")).await;
    expect(&r, 200, "the token revokes itself");
    assert_eq!(r.json["revoked"], true);
    expect(&token.get("/api/v1/me").await, 401, "a revoked token");
    server.stop().await;
}

/// What the run leaves out for the token's sake, proved here: an administrator resetting an
/// account to a one-time password holds every token of that account until the password is
/// changed; a reset with a password given does not.
#[tokio::test]
async fn a_password_reset_holds_the_accounts_tokens_until_changed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    seed::seed(&store).await;
    let server = Server::start(settings(), store).await;
    let admin = Client::signed_in(server.addr, ADMIN.0, ADMIN.1).await;
    let exec = Client::signed_in(server.addr, seed::VIEWER.0, seed::VIEWER.1).await;
    let made = exec
        .post("/api/v1/me/tokens", json!({"name": "exec's"}))
        .await;
    expect(&made, 201, "a token");
    let token = Client::with_token(server.addr, made.json["token"].as_str().unwrap());
    expect(&token.get("/api/v1/orgs/demo").await, 200, "before");

    let r = admin
        .post(
            "/api/v1/users/exec/password",
            json!({"password": "a-new-password-2026"}),
        )
        .await;
    expect(&r, 200, "a reset with a password");
    expect(
        &token.get("/api/v1/orgs/demo").await,
        200,
        "a given password",
    );

    let r = admin.post("/api/v1/users/exec/password", json!({})).await;
    expect(&r, 200, "a reset to a one-time password");
    let one_time = r.json["one_time_password"].as_str().unwrap().to_string();
    let r = token.get("/api/v1/orgs/demo").await;
    expect(&r, 403, "a token of an account with a one-time password");
    let exec = Client::signed_in(server.addr, "exec", &one_time).await;
    let r = exec
        .post(
            "/api/v1/me/password",
            json!({"current": one_time, "new": "exec-password-2027"}),
        )
        .await;
    expect(&r, 200, "the password changed");
    expect(
        &token.get("/api/v1/orgs/demo").await,
        200,
        "after the change",
    );
    server.stop().await;
}
