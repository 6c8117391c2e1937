//! One module per subcommand. Each takes parsed arguments, does its work through the domain
//! and the store, and prints; the clock is read here and passed down.

mod audit;
mod benchmark;
mod catalog;
pub mod collect;
mod collect_input;
mod collect_render;
mod collect_write;
mod db;
mod demo;
mod kpi;
pub mod loss;
pub mod measure;
mod measure_io;
mod org;
mod plan;
mod recommend;
pub mod report;
mod report_lint;
mod report_narrative;
mod risks;
mod serve;
mod simulate;
mod status;
mod user;

use anyhow::{Context, Result, anyhow};
use mieruka_app::AppError;
use mieruka_domain::{Catalogue, Date, Lang};
use mieruka_store::catalogue::SyncReport;
use mieruka_store::orgs::StoredOrg;
use mieruka_store::{Store, StoreError};

use crate::cli::{Cli, Command, DbCommand};
use crate::settings;

/// What every command may need: the language and where the database is.
pub struct Ctx {
    pub lang: Lang,
    database: Option<String>,
    audit_key_file: Option<std::path::PathBuf>,
}

impl Ctx {
    /// A message of the translation catalogue in the language asked for.
    pub fn t(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        mieruka_domain::i18n::tr(self.lang, key, args)
    }

    /// Opens (creating and migrating when needed) the selected database, with the built-in
    /// catalogue loaded: a new database has it from the first command, and an upgraded binary
    /// brings its changes. Unchanged entries are only compared, not written.
    pub async fn store(&self) -> Result<Store> {
        Ok(self.open().await?.0)
    }

    /// Like [`Ctx::store`], also saying what loading the catalogue changed.
    pub async fn open(&self) -> Result<(Store, SyncReport)> {
        let url = settings::database_url(self.database.as_deref())?;
        let key = settings::audit_key_file(self.audit_key_file.as_deref(), &url);
        let store = Store::open_with(&url, Some(&key))
            .await?
            .with_actor(&who(None));
        let report = store.sync_catalogue(&builtin_catalogue()?, now()).await?;
        Ok((store, report))
    }
}

/// The wall clock (time is a parameter everywhere below).
pub use mieruka_app::now;

/// An answer as `--json` prints it: indented, each object's keys in alphabetical order (as
/// they have always been printed, whatever the order of the type's fields).
pub fn json_text<T: serde::Serialize>(answer: &T) -> Result<String> {
    Ok(serde_json::to_string_pretty(&serde_json::to_value(
        answer,
    )?)?)
}

/// Today's date where the organisation is (its time zone).
pub fn today(org: &StoredOrg) -> Date {
    org.org.today(now())
}

/// Parses a date given on the command line, naming the option on error.
pub fn parse_date(option: &str, s: &str) -> Result<Date> {
    Date::parse(s.trim()).map_err(|e| anyhow!("{option}: {e}"))
}

/// Who is acting: the `--by` value, else the login name, else "cli".
pub fn who(by: Option<String>) -> String {
    by.filter(|b| !b.trim().is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "cli".into())
}

/// A use case's failure as the command line says it: one line, naming the option at fault
/// when a value was refused. The one place an `AppError` becomes a message.
pub fn app_error(e: AppError) -> anyhow::Error {
    match e.field().map(option_for) {
        Some(Some(option)) => anyhow!("{option}: {}", e.reason()),
        // A positional argument: the reason names it.
        Some(None) => anyhow!("{}", e.reason()),
        None => anyhow!(e),
    }
}

/// The command-line option that sets a field as the use cases name it (`targets[0]` →
/// `--target`, `purpose.text` → `--purpose`, `expires_in_days` → `--expires-in-days`); `None`
/// for what is given as a positional argument (a code).
pub fn option_for(field: &str) -> Option<String> {
    let (base, rest) = match field.find(['[', '.']) {
        Some(i) => (&field[..i], &field[i..]),
        None => (field, ""),
    };
    Some(match (base, rest) {
        ("code", _) => return None,
        ("targets", _) => "--target".into(),
        ("trajectory", _) => "--month".into(),
        ("agreement" | "by", _) => "--by".into(),
        ("purpose", ".effects") | ("effects", _) => "--effect".into(),
        ("purpose", ".reduces") => "--reduces".into(),
        ("purpose", _) => "--purpose".into(),
        ("password", _) => "--password-stdin".into(),
        // A measurement's planned value (progress KPIs).
        ("plan", _) => "--plan-value".into(),
        ("annual_revenue_yen", _) => "--revenue".into(),
        ("it_budget_yen", _) => "--it-budget".into(),
        ("security_budget_yen", _) => "--security-budget".into(),
        (other, _) => format!("--{}", other.replace('_', "-")),
    })
}

/// Use cases' results on the command line: `.cli()?` turns their error into its message.
pub trait AppResultExt<T> {
    fn cli(self) -> Result<T>;
}

impl<T> AppResultExt<T> for std::result::Result<T, AppError> {
    fn cli(self) -> Result<T> {
        self.map_err(app_error)
    }
}

/// The organisation with this code, with a hint when there is none.
pub async fn find_org(store: &Store, code: &str) -> Result<StoredOrg> {
    match store.organisation(code).await {
        Err(StoreError::NotFound { .. }) => Err(anyhow!(
            "organisation `{code}` was not found (`mieruka org list` shows them; `mieruka demo` creates `demo`)"
        )),
        other => Ok(other?),
    }
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
        audit_key_file: cli.audit_key_file,
    };
    match cli.command {
        Command::Demo(args) => demo::run(&ctx, args).await,
        Command::Catalog(args) => catalog::run(&ctx, args),
        Command::Db {
            command: DbCommand::Info,
        } => db::info(&ctx).await,
        Command::Org { command } => org::run_org(&ctx, command).await,
        Command::Unit { command } => org::run_unit(&ctx, command).await,
        Command::Recommend(args) => recommend::run(&ctx, args).await,
        Command::Kpi { command } => kpi::run(&ctx, command).await,
        Command::Plan { command } => plan::run(&ctx, command).await,
        Command::Measure { command } => measure::run(&ctx, command).await,
        Command::Status(args) => status::run(&ctx, args).await,
        Command::Loss(args) => loss::run(&ctx, args).await,
        Command::Simulate(args) => simulate::run(&ctx, args).await,
        Command::Risks(args) => risks::run(&ctx, args).await,
        Command::Report(args) => report::run(&ctx, args).await,
        Command::Benchmark { command } => benchmark::run(&ctx, command).await,
        Command::Audit { command } => audit::run(&ctx, command).await,
        Command::Collect(args) => collect::run(&ctx, args).await,
        Command::Serve(args) => serve::run(&ctx, args).await,
        Command::User { command } => user::run(&ctx, command).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_value_is_named_by_its_option() {
        let said =
            |field: &str, reason: &str| app_error(AppError::invalid(field, reason)).to_string();
        assert_eq!(said("targets[0]", "too high"), "--target: too high");
        assert_eq!(said("purpose.text", "empty"), "--purpose: empty");
        assert_eq!(said("purpose.effects", "twice"), "--effect: twice");
        assert_eq!(said("units[1]", "no unit"), "--units: no unit");
        assert_eq!(said("by", "say who agreed"), "--by: say who agreed");
        assert_eq!(said("expires_in_days", "0"), "--expires-in-days: 0");
        assert_eq!(said("annual_revenue_yen", "-1"), "--revenue: -1");
        assert_eq!(said("plan", "missing"), "--plan-value: missing");
        // A code is a positional argument: its reason says what it is.
        assert_eq!(
            said("code", "`X` is not a valid code"),
            "`X` is not a valid code"
        );
        assert_eq!(
            app_error(AppError::Conflict("plan 3 is closed".into())).to_string(),
            "plan 3 is closed"
        );
    }
}
