//! Persistence for mieruka: one [`Store`] over SQLite (a single file, the default) or
//! PostgreSQL (a shared server), chosen once from the database URL.
//!
//! Both backends run the same SQL text through sqlx's `Any` driver (`$1` placeholders, `RETURNING`,
//! portable types: integers, floats, text). Only the DDL differs, so each backend has its own
//! migration folder. This crate knows SQL and nothing of HTTP or the command line; values pass
//! through the domain's validated types, and the clock is a parameter (`now`).

mod error;
mod ids;
mod migrate;
mod url;

pub mod access;
pub mod audit;
pub mod benchmarks;
pub mod catalogue;
pub mod loss;
pub mod measurements;
pub mod orgs;
pub mod periods;
pub mod plans;
pub mod reports;
pub mod risks;
#[doc(hidden)]
pub mod testing;
pub mod users;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyConnection, AnyPool, Connection};

pub use error::StoreError;
pub use ids::{KpiDefId, MeasurementId, OrgId, PeriodId, PlanId, UnitId, UserId};
pub use migrate::schema_version;
pub use url::{Backend, DatabaseUrl};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection pool to a migrated mieruka database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// Where audited changes begin. On SQLite a pool of one connection: writers wait their turn
    /// in order here instead of polling for the file's write lock (which costs whole
    /// milliseconds of sleep each time it is busy). On PostgreSQL the same pool as reads.
    writer: AnyPool,
    url: DatabaseUrl,
    /// Turn-taking and group commit of SQLite writers (see `audit/write.rs`).
    batcher: std::sync::Arc<audit::Batcher>,
    /// Who the changes made through this handle are recorded as (in the audit log).
    actor: std::sync::Arc<str>,
    /// The audit log's key and this machine's head (`audit/seal.rs`); none: entries are
    /// written unsealed and seals are not checked.
    seal: Option<std::sync::Arc<audit::Seal>>,
}

impl Store {
    /// Connects (creating a SQLite file and its folder when missing) and brings the schema up to
    /// date. Safe to call from several processes at once: migrations take the database's lock.
    /// The audit log is sealed with the key at [`DatabaseUrl::default_audit_key_file`] (beside
    /// a SQLite file, created on first use); a PostgreSQL database opened this way is unsealed.
    pub async fn open(url: &DatabaseUrl) -> Result<Store> {
        Store::open_with(url, url.default_audit_key_file().as_deref()).await
    }

    /// Like [`Store::open`], sealing the audit log with the key file at `audit_key` (created
    /// with permissions 0600 when missing; refused when others may read it, or when it is
    /// missing while the log is already sealed), or unsealed with `None`.
    pub async fn open_with(
        url: &DatabaseUrl,
        audit_key: Option<&std::path::Path>,
    ) -> Result<Store> {
        install_default_drivers();
        url.prepare_location()?;
        let connect_error = |source| StoreError::Connect {
            url: url.to_string(),
            source,
        };
        // One direct connection first: a pool retries a refused connection until its timeout,
        // while a person at a terminal wants the reason at once.
        AnyConnection::connect(&url.connect_string())
            .await
            .map_err(connect_error)?
            .close()
            .await
            .map_err(connect_error)?;
        let pool = AnyPoolOptions::new()
            // WAL lets SQLite readers run side by side; one writer at a time either way.
            .max_connections(if url.backend() == Backend::Sqlite {
                8
            } else {
                16
            })
            .connect(&url.connect_string())
            .await
            .map_err(connect_error)?;
        if url.backend() == Backend::Sqlite {
            // WAL lets readers proceed while one writer writes; it is a property of the file.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        let writer = match url.backend() {
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(1)
                .connect(&url.connect_string())
                .await
                .map_err(connect_error)?,
            Backend::Postgres => pool.clone(),
        };
        let store = Store {
            pool,
            writer,
            url: url.clone(),
            batcher: std::sync::Arc::default(),
            actor: "system".into(),
            seal: None,
        };
        store.migrate().await?;
        if let Some(path) = audit_key {
            let seal = store.open_seal(path).await?;
            return Ok(Store {
                seal: Some(std::sync::Arc::new(seal)),
                ..store
            });
        }
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        migrate::run(&self.pool, self.backend()).await
    }

    /// The same store, recording its changes as made by `actor` (a username, `api:token-name`…).
    /// Cheap: the pool is shared.
    pub fn with_actor(&self, actor: &str) -> Store {
        Store {
            pool: self.pool.clone(),
            writer: self.writer.clone(),
            url: self.url.clone(),
            batcher: self.batcher.clone(),
            actor: actor.into(),
            seal: self.seal.clone(),
        }
    }

    /// Who changes through this handle are recorded as.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// The schema version the database is at.
    pub async fn applied_version(&self) -> Result<i64> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok(v.unwrap_or(0))
    }

    /// Waits for connections to finish and closes the pool.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) fn writer(&self) -> &AnyPool {
        &self.writer
    }
}

/// The wall-clock time, only for bookkeeping columns no rule depends on (when a migration ran).
/// Everything the product reasons about takes `now` as a parameter.
#[allow(clippy::disallowed_methods)]
pub(crate) fn now_for_bookkeeping() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    mieruka_domain::Timestamp::from_unix_seconds(secs).to_string()
}
