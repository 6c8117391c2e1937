//! The command line, as clap types. Parsing only; the work is in `commands`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use mieruka_domain::{Lang, Maturity, MeasureKind, Source};

/// mieruka — cybersecurity KPIs made visible (サイバーセキュリティ KPI の見える化).
#[derive(Debug, Parser)]
#[command(name = "mieruka", version, about, long_about = None)]
pub struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB
    /// [default: a SQLite file in the user's data folder, see `mieruka db info`]
    #[arg(long, global = true, env = "MIERUKA_DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,

    /// Language of the output (出力の言語)
    #[arg(
        long,
        global = true,
        env = "MIERUKA_LANG",
        value_enum,
        default_value = "ja"
    )]
    pub lang: LangArg,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    Ja,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Prepare the demo: create or reuse the database, load the KPI catalogue and the demo company
    Demo(DemoArgs),
    /// List the built-in KPI catalogue, as a table, the Fig. 1 grid, or JSON
    Catalog(CatalogArgs),
    /// The database: where it is, its schema and what it holds
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {}

#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Show the KPI model grid: kinds of measure (rows) × maturity (columns)
    #[arg(long)]
    pub grid: bool,
    /// Print JSON (the documented public format) instead of a table
    #[arg(long)]
    pub json: bool,
    /// Only entries from this source: appendix, model_grid, example, us_federal (repeatable).
    /// The grid shows appendix and model_grid unless told otherwise
    #[arg(long, value_parser = vocab::<Source>)]
    pub source: Vec<Source>,
    /// Only entries of this kind of measure: compliance, education, organisation, assessment,
    /// information_sharing
    #[arg(long, value_parser = vocab::<MeasureKind>)]
    pub kind: Option<MeasureKind>,
    /// Only entries of this maturity stage: initial, improving, optimising
    #[arg(long, value_parser = vocab::<Maturity>)]
    pub maturity: Option<Maturity>,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Show where the database is, its schema version and what it holds
    Info,
}

/// Parses one of the domain's closed vocabularies by its code; the error lists the codes.
fn vocab<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T, String> {
    s.parse()
}
