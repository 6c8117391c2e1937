//! Schema migrations, embedded in the binary, applied under a database-wide lock.
//!
//! Several mieruka processes may open one database at the same moment (instances sharing a
//! PostgreSQL server, or a CLI command beside a running server). Each takes the lock first —
//! `pg_advisory_xact_lock` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite — then reads which steps
//! are applied and applies the rest in the same transaction, so exactly one of them migrates.

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Row, raw_sql};

use crate::{Backend, Result, StoreError};

/// One migration: its version, description and SQL for each backend.
struct Step {
    version: i64,
    description: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const STEPS: &[Step] = &[
    Step {
        version: 1,
        description: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Step {
        version: 2,
        description: "money and risk",
        sqlite: include_str!("../migrations/sqlite/0002_money.sql"),
        postgres: include_str!("../migrations/postgres/0002_money.sql"),
    },
    Step {
        version: 3,
        description: "access and audit",
        sqlite: include_str!("../migrations/sqlite/0003_access.sql"),
        postgres: include_str!("../migrations/postgres/0003_access.sql"),
    },
    Step {
        version: 4,
        description: "board reports",
        sqlite: include_str!("../migrations/sqlite/0004_reports.sql"),
        postgres: include_str!("../migrations/postgres/0004_reports.sql"),
    },
    Step {
        version: 5,
        description: "configuration version",
        sqlite: include_str!("../migrations/sqlite/0005_config_version.sql"),
        postgres: include_str!("../migrations/postgres/0005_config_version.sql"),
    },
    Step {
        version: 6,
        description: "benchmarks",
        sqlite: include_str!("../migrations/sqlite/0006_benchmarks.sql"),
        postgres: include_str!("../migrations/postgres/0006_benchmarks.sql"),
    },
    Step {
        version: 7,
        description: "sign-in throttling and token expiry",
        sqlite: include_str!("../migrations/sqlite/0007_sign_in.sql"),
        postgres: include_str!("../migrations/postgres/0007_sign_in.sql"),
    },
];

/// An arbitrary constant naming mieruka's migration lock on PostgreSQL.
const PG_LOCK_KEY: i64 = 0x006d_6965_7275_6b61; // "mieruka" in ASCII

/// The newest schema version this build knows.
pub fn schema_version() -> i64 {
    STEPS.last().map_or(0, |s| s.version)
}

/// FNV-1a: enough to notice that a migration's text changed after it was applied.
fn checksum(sql: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sql.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<()> {
    let mut conn = pool.acquire().await?;
    match backend {
        Backend::Sqlite => {
            raw_sql("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        }
        Backend::Postgres => {
            raw_sql("BEGIN").execute(&mut *conn).await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(PG_LOCK_KEY)
                .execute(&mut *conn)
                .await?;
        }
    }
    match apply(&mut conn, backend).await {
        Ok(()) => {
            raw_sql("COMMIT").execute(&mut *conn).await?;
            Ok(())
        }
        Err(e) => {
            // The failure is what the user needs to see; a failed rollback closes the connection.
            let _ = raw_sql("ROLLBACK").execute(&mut *conn).await;
            Err(e)
        }
    }
}

async fn apply(conn: &mut PoolConnection<Any>, backend: Backend) -> Result<()> {
    raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (\
         version BIGINT PRIMARY KEY, description TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(&mut **conn)
    .await?;
    let rows = sqlx::query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        .fetch_all(&mut **conn)
        .await?;
    let mut applied = Vec::new();
    for row in &rows {
        applied.push((
            row.try_get::<i64, _>("version")?,
            row.try_get::<String, _>("checksum")?,
        ));
    }
    if let Some((newest, _)) = applied.last()
        && *newest > schema_version()
    {
        return Err(StoreError::Schema(format!(
            "the database is at schema version {newest}, newer than this build of mieruka knows ({}); \
             upgrade mieruka",
            schema_version()
        )));
    }
    for step in STEPS {
        let sql = match backend {
            Backend::Sqlite => step.sqlite,
            Backend::Postgres => step.postgres,
        };
        let sum = checksum(sql);
        match applied.iter().find(|(v, _)| *v == step.version) {
            Some((_, stored)) if *stored == sum => continue,
            Some(_) => {
                return Err(StoreError::Schema(format!(
                    "migration {} ({}) differs from the one applied to this database",
                    step.version, step.description
                )));
            }
            None => {}
        }
        raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut **conn)
            .await
            .map_err(|e| {
                StoreError::Schema(format!(
                    "migration {} ({}) failed: {e}",
                    step.version, step.description
                ))
            })?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, description, checksum, applied_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(step.version)
        .bind(step.description)
        .bind(sum)
        .bind(crate::now_for_bookkeeping())
        .execute(&mut **conn)
        .await?;
    }
    Ok(())
}
