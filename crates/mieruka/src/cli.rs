//! The command line, as clap types. Parsing only; the work is in `commands`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use mieruka_domain::org::UnitKind;
use mieruka_domain::plan::LossCategory;
use mieruka_domain::{Lang, Maturity, MeasureKind, Source};

/// mieruka — cybersecurity KPIs made visible (サイバーセキュリティ KPI の見える化).
#[derive(Debug, Parser)]
#[command(name = "mieruka", version, about, long_about = None)]
pub struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB
    /// [default: a SQLite file in the user's data folder, see `mieruka db info`]
    #[arg(long, global = true, env = "MIERUKA_DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,

    /// The audit log's key file (secret, permissions 0600; created on first use)
    /// [default: beside a SQLite file; for PostgreSQL in the user's data folder]
    #[arg(
        long,
        global = true,
        env = "MIERUKA_AUDIT_KEY_FILE",
        value_name = "PATH"
    )]
    pub audit_key_file: Option<std::path::PathBuf>,

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
    /// Prepare the demo (database, catalogue, demo company and accounts) and serve it
    Demo(DemoArgs),
    /// Serve the web API
    Serve(ServeArgs),
    /// Accounts, roles and API tokens
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// List the built-in KPI catalogue, as a table, the Fig. 1 grid, or JSON
    Catalog(CatalogArgs),
    /// The database: where it is, its schema and what it holds
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Organisations (組織): create, list, show, set the maturity stage
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Units (部門・グループ会社) of an organisation
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
    },
    /// Which KPIs suit the organisation's maturity stage, and how many to choose
    Recommend(RecommendArgs),
    /// The organisation's own KPIs (自社独自の KPI)
    Kpi {
        #[command(subcommand)]
        command: KpiCommand,
    },
    /// Plans (目標): a KPI with a target for a period
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Measurements (実績): enter, correct, list, import and export
    Measure {
        #[command(subcommand)]
        command: MeasureCommand,
    },
    /// Plan against actual for a period: achievement, status, forecast, per unit
    Status(StatusArgs),
    /// The maximum loss in money (想定損失額): now, today and after the KPIs are met
    Loss(LossArgs),
    /// Monte Carlo simulation of annual loss: a riskquant scenario file, or an organisation
    Simulate(SimulateArgs),
    /// The business-risk register and matrix (事業リスク)
    Risks(RisksArgs),
    /// The board report (経営層への報告): PDF, HTML or Excel; its lint, schedule and narrative
    Report(crate::commands::report::ReportArgs),
    /// Benchmark (peer) figures for the board report (他社比較): import, list, remove
    Benchmark {
        #[command(subcommand)]
        command: BenchmarkCommand,
    },
    /// Figures computed from files exported by other tools (vulnerability findings)
    Collect(crate::commands::collect::CollectArgs),
    /// The audit log: every change, who made it and when, hash-chained
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the whole chain, its seals and this machine's recorded head; name the first entry
    /// that was edited, deleted, rewritten or reordered
    Verify {
        #[arg(long)]
        json: bool,
        /// Also check against a kept anchor: its line (from `mieruka audit anchor`), or a file
        /// of such lines, each of which must hold
        #[arg(long, value_name = "LINE|FILE")]
        anchor: Option<String>,
    },
    /// Print the newest entry as one line to keep elsewhere (for `audit verify --anchor`)
    Anchor,
    /// List entries, newest first
    List {
        /// Only entries about this organisation
        #[arg(long, value_name = "CODE")]
        org: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LossArgs {
    #[command(subcommand)]
    pub command: Option<LossCommand>,
    /// The organisation's code (for the report)
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
    /// Evaluate plan progress as of this date (YYYY-MM-DD), default today
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum LossCommand {
    /// Print the loss model's inputs as TOML, ready to edit
    Inputs {
        #[command(flatten)]
        org: OrgArg,
    },
    /// Replace the loss model's inputs from a TOML file (a new revision; the old ones are kept)
    Set {
        #[command(flatten)]
        org: OrgArg,
        file: std::path::PathBuf,
        /// Why the inputs change
        #[arg(long, default_value = "updated")]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Scenarios in riskquant's CSV format, no header: id,name,annual_rate,low_p5,high_p95
    #[arg(long, value_name = "FILE", conflicts_with = "org")]
    pub scenarios: Option<std::path::PathBuf>,
    /// Simulate an organisation's loss model, now and after its KPIs are met
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
    /// Number of simulated years
    #[arg(long, default_value_t = 1_000_000)]
    pub trials: u64,
    /// Random seed: the same seed gives the same numbers
    #[arg(long, default_value_t = 2019)]
    pub seed: u64,
    #[arg(long)]
    pub json: bool,
    /// Also write the loss-exceedance curve as SVG
    #[arg(long, value_name = "FILE")]
    pub svg: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RisksArgs {
    #[command(subcommand)]
    pub command: Option<RiskCommand>,
    /// The organisation's code
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
    #[arg(long)]
    pub json: bool,
    /// Write the risk matrix as SVG
    #[arg(long, value_name = "FILE")]
    pub svg: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RiskCommand {
    /// Add a business risk, or replace the one with the same code
    Set {
        #[command(flatten)]
        org: OrgArg,
        /// Short code (a–z, 0–9, -)
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        category: String,
        /// Probability on a 1–5 scale
        #[arg(long)]
        probability: i64,
        /// Impact on a 1–5 scale (see the money bands), or give --impact-yen
        #[arg(long)]
        impact: Option<i64>,
        /// Impact in yen
        #[arg(long)]
        impact_yen: Option<i64>,
        /// The impact comes from the loss model (the cyber risk)
        #[arg(long)]
        cyber: bool,
        #[arg(long)]
        owner: Option<String>,
    },
    /// Remove a business risk
    Remove {
        #[command(flatten)]
        org: OrgArg,
        code: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchmarkCommand {
    /// Import peer figures from CSV (UTF-8 or Shift_JIS) or Excel: all rows or none. Columns:
    /// kpi, as_of, median, lower, upper, peers, source, industry (or their Japanese names)
    Import {
        /// A .csv or .xlsx file
        file: std::path::PathBuf,
        /// Check and preview only; write nothing (fails when a row is bad, as the import would)
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// The stored figures, by KPI and date
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove the figures for a KPI and date
    Remove {
        /// The KPI's id, e.g. 1.2.2
        #[arg(long)]
        kpi: String,
        /// The date the figures are as of (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        as_of: String,
    },
}

#[derive(Debug, Args)]
pub struct OrgArg {
    /// The organisation's code, e.g. demo
    #[arg(long, value_name = "CODE")]
    pub org: String,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation
    Create {
        /// Short code (a–z, 0–9, -), e.g. acme
        code: String,
        /// Display name
        #[arg(long)]
        name: String,
        /// Maturity stage: initial, improving, optimising
        #[arg(long, value_parser = vocab::<Maturity>, default_value = "initial")]
        maturity: Maturity,
        /// Month the fiscal year starts in (1–12)
        #[arg(long, default_value_t = 4)]
        fiscal_start_month: u32,
        /// Time zone (IANA name) in which times written without a zone are counted
        #[arg(long, default_value = mieruka_domain::time::DEFAULT_ZONE)]
        time_zone: String,
    },
    /// List organisations
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show an organisation with its unit tree
    Show {
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Set the maturity stage of an organisation, or of one of its group companies with --unit
    SetMaturity {
        code: String,
        #[arg(value_parser = vocab::<Maturity>)]
        maturity: Maturity,
        /// A group company's own stage
        #[arg(long)]
        unit: Option<String>,
    },
    /// Set the time zone (IANA name, e.g. Asia/Tokyo or UTC) in which the organisation's times
    /// written without a zone are counted
    SetTimeZone { code: String, time_zone: String },
}

#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Add a unit
    #[command(allow_negative_numbers = true)]
    Add {
        #[command(flatten)]
        org: OrgArg,
        /// Short code (a–z, 0–9, -)
        code: String,
        #[arg(long)]
        name: String,
        /// company, subsidiary, overseas_subsidiary, department
        #[arg(long, value_parser = vocab::<UnitKind>)]
        kind: UnitKind,
        /// The parent unit's code
        #[arg(long)]
        parent: Option<String>,
        #[arg(long)]
        employees: Option<i64>,
        #[arg(long)]
        it_staff: Option<i64>,
        #[arg(long)]
        security_staff: Option<i64>,
        /// Annual revenue in yen
        #[arg(long)]
        revenue: Option<i64>,
        #[arg(long)]
        it_budget: Option<i64>,
        #[arg(long)]
        security_budget: Option<i64>,
        #[arg(long)]
        industry: Option<String>,
    },
    /// List an organisation's units as a tree
    List {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    #[command(flatten)]
    pub org: OrgArg,
    /// The period whose plans count as already chosen
    #[arg(long)]
    pub period: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum KpiCommand {
    /// Add an own KPI from a TOML or JSON file with the catalogue's fields (docs/catalogue.md)
    Add {
        #[command(flatten)]
        org: OrgArg,
        file: std::path::PathBuf,
    },
    /// List the KPIs an organisation can plan with (catalogue and its own)
    List {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct PlanFields {
    /// Target value (in the KPI's unit); for a compound KPI, PART=VALUE, repeatable
    #[arg(long = "target", value_name = "VALUE|PART=VALUE")]
    pub targets: Vec<String>,
    /// Deadline (YYYY-MM-DD), inside the period
    #[arg(long)]
    pub deadline: Option<String>,
    /// Where the KPI stands at the start of the period
    #[arg(long)]
    pub baseline: Option<f64>,
    /// Planned value at a month's end, YYYY-MM=VALUE, repeatable (default: a straight line)
    #[arg(long = "month", value_name = "YYYY-MM=VALUE")]
    pub months: Vec<String>,
    /// Purpose (目的)
    #[arg(long)]
    pub purpose: Option<String>,
    /// Loss it should reduce: theft, interruption, fine, response (repeatable)
    #[arg(long = "reduces", value_parser = vocab::<LossCategory>)]
    pub reduces: Vec<LossCategory>,
    /// A lever of the loss model this plan moves, and its value once the target is met:
    /// identifiability, people_held, outage_days, affected_revenue_share, response_cost_factor
    /// (repeatable), e.g. --effect identifiability=3
    #[arg(long = "effect", value_name = "LEVER=VALUE")]
    pub effects: Vec<String>,
    /// Units in scope, by code, comma-separated
    #[arg(long, value_delimiter = ',')]
    pub units: Vec<String>,
    /// Owner of the plan
    #[arg(long)]
    pub owner: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Create a draft plan
    #[command(allow_negative_numbers = true)]
    Create {
        #[command(flatten)]
        org: OrgArg,
        /// Period: FY2026, FY2026-H1 … H2, FY2026-Q1 … Q4, or a name of your own with --from and --to
        #[arg(long)]
        period: String,
        /// First day of a custom period (YYYY-MM-DD)
        #[arg(long, requires = "to")]
        from: Option<String>,
        /// Last day of a custom period (YYYY-MM-DD)
        #[arg(long, requires = "from")]
        to: Option<String>,
        /// KPI id from the catalogue or the organisation's own
        #[arg(long)]
        kpi: String,
        #[command(flatten)]
        fields: PlanFields,
        #[arg(long)]
        json: bool,
    },
    /// Change a plan: a new revision with its reason; the old one is kept
    #[command(allow_negative_numbers = true)]
    Revise {
        plan: i64,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        fields: PlanFields,
    },
    /// Record the executives' agreement (who, when) and mark the plan agreed
    Agree {
        plan: i64,
        #[arg(long)]
        by: String,
        /// Date of agreement (YYYY-MM-DD), default today
        #[arg(long)]
        on: Option<String>,
    },
    /// Close a plan at the end of its period
    Close { plan: i64 },
    /// List an organisation's plans for a period
    List {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        period: String,
        #[arg(long)]
        json: bool,
    },
    /// Show a plan with every revision
    Show {
        plan: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ValueFields {
    /// Numerator of a ratio (or a compound KPI's part)
    #[arg(long)]
    pub numerator: Option<f64>,
    /// Denominator of a ratio
    #[arg(long)]
    pub denominator: Option<f64>,
    /// Actual (実績値) of a progress KPI
    #[arg(long)]
    pub actual: Option<f64>,
    /// Plan (計画値) of a progress KPI
    #[arg(long = "plan-value")]
    pub plan_value: Option<f64>,
    /// A count or a score
    #[arg(long)]
    pub value: Option<f64>,
    /// Mean time in hours (mean-duration KPIs)
    #[arg(long)]
    pub mean_hours: Option<f64>,
    /// Number of events the mean is over (default 1)
    #[arg(long)]
    pub events: Option<f64>,
    /// Mean effort in person-hours per event
    #[arg(long)]
    pub effort_hours: Option<f64>,
    /// An event START/END (2026-11-01T09:30+09:00; a time without a zone is in the organisation's), with optional /EFFORT hours; repeatable, instead of --mean-hours
    #[arg(long = "event", value_name = "START/END[/EFFORT]")]
    pub events_list: Vec<String>,
    /// A compound KPI's part
    #[arg(long)]
    pub part: Option<String>,
    /// Evidence: a note or a link
    #[arg(long)]
    pub evidence: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum MeasureCommand {
    /// Record a measurement for a plan and unit
    #[command(allow_negative_numbers = true)]
    Add {
        #[arg(long)]
        plan: i64,
        #[arg(long)]
        unit: String,
        /// Date (YYYY-MM-DD), default today
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        value: ValueFields,
        /// Who records it (default: $USER)
        #[arg(long)]
        by: Option<String>,
    },
    /// Correct a measurement: the correction supersedes it, which stays in the history
    #[command(allow_negative_numbers = true)]
    Correct {
        /// The measurement's number
        measurement: i64,
        /// Date (YYYY-MM-DD), default the corrected measurement's
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        value: ValueFields,
        #[arg(long)]
        by: Option<String>,
    },
    /// A plan's measurements; --history includes superseded ones
    List {
        #[arg(long)]
        plan: i64,
        #[arg(long)]
        history: bool,
        #[arg(long)]
        json: bool,
    },
    /// Import measurements from CSV (UTF-8 or Shift_JIS) or Excel: all rows or none
    Import(ImportArgs),
    /// Export an organisation's measurements for a period as CSV or Excel
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A .csv or .xlsx file
    pub file: std::path::PathBuf,
    /// The plan every row belongs to (otherwise each row names its plan in a `plan` column)
    #[arg(long)]
    pub plan: Option<i64>,
    /// Check and preview only; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Write the good rows and report the bad ones (default: any bad row rejects the file)
    #[arg(long)]
    pub skip_invalid: bool,
    /// Who imports (default: $USER)
    #[arg(long)]
    pub by: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub org: OrgArg,
    #[arg(long)]
    pub period: String,
    /// csv or xlsx (default: from the output file's extension)
    #[arg(long)]
    pub format: Option<String>,
    /// Include superseded measurements
    #[arg(long)]
    pub history: bool,
    /// Output file
    #[arg(short, long)]
    pub output: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub org: OrgArg,
    /// Period id; default: the half-year containing today
    #[arg(long)]
    pub period: Option<String>,
    /// Evaluate as of this date (YYYY-MM-DD), default today
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1]
    #[arg(long)]
    pub bind: Option<std::net::IpAddr>,
    /// Port [default: 8080]
    #[arg(long)]
    pub port: Option<u16>,
    /// A TOML settings file (environment variables MIERUKA_* override it)
    #[arg(long, value_name = "FILE", env = "MIERUKA_CONFIG")]
    pub config: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (prints a one-time password unless --password-stdin)
    Add {
        username: String,
        #[arg(long)]
        name: String,
        /// Make the account an administrator
        #[arg(long)]
        admin: bool,
        /// Read the password from standard input instead of generating one
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new one-time password (or read one from standard input); every session of the
    /// account ends
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a role in an organisation: owner, contributor (with --unit), viewer, auditor
    Grant {
        username: String,
        #[arg(long, value_name = "CODE")]
        org: String,
        #[arg(long)]
        role: String,
        /// A contributor's unit (they may enter measurements for it and the units under it)
        #[arg(long)]
        unit: Option<String>,
    },
    /// Remove a role
    Revoke {
        username: String,
        #[arg(long, value_name = "CODE")]
        org: String,
    },
    /// Disable or re-enable an account
    Disable {
        username: String,
        #[arg(long)]
        enable: bool,
    },
    /// Create an API token (shown once): --scope read or write
    Token {
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "read")]
        scope: String,
        /// Days until the token stops working (1–730); default: until revoked
        #[arg(long, value_name = "DAYS")]
        expires_in_days: Option<i64>,
    },
    /// Revoke an API token by its number
    RevokeToken { username: String, id: i64 },
    /// Revoke every API token of an account
    RevokeTokens { username: String },
    /// End every session of an account (it must sign in again)
    SignOut { username: String },
    /// List accounts with their roles
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Build the demo's history as if today were this date (YYYY-MM-DD), for reproducible demos
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Only prepare the demo database; do not serve it
    #[arg(long)]
    pub no_serve: bool,
    /// Port to serve the demo on
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
}

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
