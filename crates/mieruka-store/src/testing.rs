//! Support for tests that need a real database: a fresh, empty PostgreSQL database per test,
//! created on the server named by `MIERUKA_TEST_POSTGRES_URL` and dropped afterwards.

use sqlx::{AnyConnection, AssertSqlSafe, Connection};

use crate::{DatabaseUrl, StoreError};

/// The environment variable naming a PostgreSQL server tests may create databases on.
pub const POSTGRES_URL_VAR: &str = "MIERUKA_TEST_POSTGRES_URL";
/// When `1`, a missing PostgreSQL server fails the tests instead of skipping them.
pub const REQUIRE_POSTGRES_VAR: &str = "MIERUKA_REQUIRE_POSTGRES";

/// The PostgreSQL server to test against, if any. Prints why PostgreSQL tests are skipped, and
/// panics instead when `MIERUKA_REQUIRE_POSTGRES=1`.
pub fn postgres_server(test: &str) -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            let required = std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|v| v == "1");
            assert!(
                !required,
                "{test}: {REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set: PostgreSQL tests cannot run"
            );
            // Written to the stream itself: the test harness captures `eprintln!` of passing tests,
            // and a skipped database must be visible in the plain `cargo test` output.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED on PostgreSQL: {test} (set {POSTGRES_URL_VAR}=postgres://USER@HOST:PORT/DB to run it)"
            );
            None
        }
    }
}

/// A database created for one test; dropped by [`FreshDatabase::drop_now`].
pub struct FreshDatabase {
    pub url: DatabaseUrl,
    server: String,
    name: String,
}

/// Replaces the database name in a PostgreSQL URL, keeping any `?options`.
fn with_database(server: &str, db: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

impl FreshDatabase {
    /// Creates an empty database with a unique name on `server`.
    #[allow(clippy::disallowed_methods)]
    pub async fn create(server: &str) -> Result<FreshDatabase, StoreError> {
        sqlx::any::install_default_drivers();
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("mieruka_test_{}_{nanos}_{n}", std::process::id());
        let mut conn =
            AnyConnection::connect(server)
                .await
                .map_err(|source| StoreError::Connect {
                    url: server.to_string(),
                    source,
                })?;
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let url = DatabaseUrl::parse(&with_database(server, &name))?;
        Ok(FreshDatabase {
            url,
            server: server.to_string(),
            name,
        })
    }

    /// Drops the database (closing other sessions on it).
    pub async fn drop_now(self) -> Result<(), StoreError> {
        let mut conn = AnyConnection::connect(&self.server).await?;
        sqlx::query(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(&mut conn)
        .await?;
        conn.close().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            with_database("postgres://root@127.0.0.1:5432/test", "x"),
            "postgres://root@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://root@h/test?sslmode=disable", "x"),
            "postgres://root@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://root@h", "x"),
            "postgres://root@h/x"
        );
    }
}
