//! Schema migrations, embedded in the binary, applied under a database-wide lock.
//!
//! Several mieruka processes may open one database at the same moment (instances sharing a
//! PostgreSQL server, or a CLI command beside a running server). Each takes the lock first —
//! `pg_advisory_xact_lock` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite — then reads which steps
//! are applied and applies the rest in the same transaction, so exactly one of them migrates.
//!
//! The transaction is sqlx's own, whose drop rolls back: a migration cancelled half-way (its
//! caller timed out or went away) hands its pooled connection back outside any transaction,
//! not inside a `BEGIN` holding the lock.

use sqlx::{AnyConnection, AnyPool, Row, raw_sql};

use crate::{Backend, Result, StoreError};

/// One migration: its version, description and SQL for each backend.
#[derive(Debug, Clone, Copy)]
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
    Step {
        version: 8,
        description: "audit seals",
        sqlite: include_str!("../migrations/sqlite/0008_audit_seals.sql"),
        postgres: include_str!("../migrations/postgres/0008_audit_seals.sql"),
    },
    Step {
        version: 9,
        description: "organisation time zone",
        sqlite: include_str!("../migrations/sqlite/0009_org_time_zone.sql"),
        postgres: include_str!("../migrations/postgres/0009_org_time_zone.sql"),
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
    run_steps(pool, backend, STEPS).await
}

async fn run_steps(pool: &AnyPool, backend: Backend, steps: &[Step]) -> Result<()> {
    let mut tx = match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(PG_LOCK_KEY)
                .execute(&mut *tx)
                .await?;
            tx
        }
    };
    // On failure (or cancellation) the transaction rolls back when dropped; the failure is
    // what the user needs to see.
    apply(&mut tx, backend, steps).await?;
    tx.commit().await?;
    Ok(())
}

async fn apply(conn: &mut AnyConnection, backend: Backend, steps: &[Step]) -> Result<()> {
    raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (\
         version BIGINT PRIMARY KEY, description TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let rows = sqlx::query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        .fetch_all(&mut *conn)
        .await?;
    let mut applied = Vec::new();
    for row in &rows {
        applied.push((
            row.try_get::<i64, _>("version")?,
            row.try_get::<String, _>("checksum")?,
        ));
    }
    let known = steps.last().map_or(0, |s| s.version);
    if let Some((newest, _)) = applied.last()
        && *newest > known
    {
        return Err(StoreError::Schema(format!(
            "the database is at schema version {newest}, newer than this build of mieruka knows ({known}); \
             upgrade mieruka",
        )));
    }
    for step in steps {
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
            .execute(&mut *conn)
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
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! A migration cancelled half-way — its caller timed out, or went away — must hand its
    //! pooled connection back outside any transaction: a connection left inside `BEGIN` keeps
    //! the lock, and every later user of it works inside a transaction it did not open.

    use std::time::Duration;

    use sqlx::any::{AnyPoolOptions, install_default_drivers};
    use sqlx::{AnyConnection, Connection};

    use super::*;
    use crate::DatabaseUrl;
    use crate::testing::{FreshDatabase, postgres_server};

    /// A pool of one connection, so the connection the migration used is the next one handed out.
    async fn one_connection(url: &DatabaseUrl) -> AnyPool {
        install_default_drivers();
        AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url.connect_string())
            .await
            .unwrap()
    }

    /// Every real step, then one that keeps SQLite busy for a while (counting rows).
    fn with_a_slow_step() -> Vec<Step> {
        let mut steps = STEPS.to_vec();
        steps.push(Step {
            version: 1000,
            description: "slow",
            sqlite: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) \
                     SELECT count(*) FROM c;",
            postgres: "SELECT 1;",
        });
        steps
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_migration_leaves_no_transaction_open_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::sqlite(dir.path().join("m.sqlite3"));
        url.prepare_location().unwrap();
        let pool = one_connection(&url).await;
        let migrating = {
            let pool = pool.clone();
            tokio::spawn(
                async move { run_steps(&pool, Backend::Sqlite, &with_a_slow_step()).await },
            )
        };
        // Wait until the migration holds the write lock (another connection is refused it at
        // once), then cancel it while its slow step runs.
        let mut probe = AnyConnection::connect(&url.connect_string()).await.unwrap();
        raw_sql("PRAGMA busy_timeout = 0")
            .execute(&mut probe)
            .await
            .unwrap();
        while raw_sql("BEGIN IMMEDIATE").execute(&mut probe).await.is_ok() {
            raw_sql("ROLLBACK").execute(&mut probe).await.unwrap();
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        migrating.abort();
        assert!(migrating.await.unwrap_err().is_cancelled());
        probe.close().await.unwrap();

        // The one pooled connection comes back outside a transaction: it may begin one.
        let mut conn = pool.acquire().await.unwrap();
        raw_sql("BEGIN")
            .execute(&mut *conn)
            .await
            .expect("the pooled connection is not inside a transaction");
        raw_sql("ROLLBACK").execute(&mut *conn).await.unwrap();
        // The migration was cut half-way, and nothing of it stayed.
        let tables: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(tables, 0, "the cancelled migration was rolled back");
        drop(conn);
        // And the next migration takes the lock and completes.
        run(&pool, Backend::Sqlite).await.unwrap();
        pool.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_migration_leaves_no_transaction_open_on_postgres() {
        let Some(server) =
            postgres_server("a_cancelled_migration_leaves_no_transaction_open_on_postgres")
        else {
            return;
        };
        let db = FreshDatabase::create(&server).await.unwrap();
        let pool = one_connection(&db.url).await;
        // Another process holds the migration lock, so the migration waits inside its
        // transaction, after `BEGIN`.
        let mut holder = AnyConnection::connect(&db.url.connect_string())
            .await
            .unwrap();
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(PG_LOCK_KEY)
            .execute(&mut holder)
            .await
            .unwrap();
        let migrating = {
            let pool = pool.clone();
            tokio::spawn(async move { run(&pool, Backend::Postgres).await })
        };
        loop {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted \
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            )
            .fetch_one(&mut holder)
            .await
            .unwrap();
            if waiting > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        migrating.abort();
        assert!(migrating.await.unwrap_err().is_cancelled());
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(PG_LOCK_KEY)
            .execute(&mut holder)
            .await
            .unwrap();
        holder.close().await.unwrap();

        // Outside a transaction, PostgreSQL refuses a savepoint.
        let mut conn = pool.acquire().await.unwrap();
        assert!(
            raw_sql("SAVEPOINT probe")
                .execute(&mut *conn)
                .await
                .is_err(),
            "the pooled connection is not inside a transaction"
        );
        drop(conn);
        run(&pool, Backend::Postgres).await.unwrap();
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(applied, STEPS.len() as i64);
        pool.close().await;
        db.drop_now().await.unwrap();
    }
}
