//! One module per subcommand. Each takes parsed arguments, does its work through the domain
//! and the store, and prints; the clock is read here and passed down.

mod catalog;
mod db;
mod demo;

use anyhow::{Context, Result};
use mieruka_domain::{Catalogue, Lang, Timestamp};
use mieruka_store::Store;

use crate::cli::{Cli, Command, DbCommand};
use crate::settings;

/// What every command may need: the language and where the database is.
pub struct Ctx {
    pub lang: Lang,
    database: Option<String>,
}

impl Ctx {
    /// Opens (creating and migrating when needed) the selected database.
    pub async fn store(&self) -> Result<Store> {
        let url = settings::database_url(self.database.as_deref())?;
        Ok(Store::open(&url).await?)
    }
}

/// The wall clock, read once per command and passed to everything that needs "now".
#[allow(clippy::disallowed_methods)]
pub fn now() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Timestamp::from_unix_seconds(secs)
}

/// The built-in catalogue; it is validated by the test suite, so an error here is a packaging
/// defect, reported with everything wrong in it.
pub fn builtin_catalogue() -> Result<Catalogue> {
    Catalogue::builtin().context("the built-in KPI catalogue is invalid")
}

pub async fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        lang: cli.lang.into(),
        database: cli.database,
    };
    match cli.command {
        Command::Demo(args) => demo::run(&ctx, args).await,
        Command::Catalog(args) => catalog::run(&ctx, args),
        Command::Db {
            command: DbCommand::Info,
        } => db::info(&ctx).await,
    }
}
