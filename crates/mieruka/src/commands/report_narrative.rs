//! What people write for the board report, from the command line: the strategy story (as a
//! TOML file: `report story show` prints it ready to edit, `report story set` reads it back),
//! each period's ask and checklist, the board's names of KPIs, the organisation's own glossary
//! terms, and the report schedule with its next due date. The web UI edits the same values
//! through the same store functions.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use mieruka_domain::report::glossary::{Category, Term};
use mieruka_domain::report::narrative::{AskItem, AskKind, BoardText, KpiWording, Step, Story};
use mieruka_domain::report::schedule::NextReport;

use mieruka_app::narrative::{self, ChecklistChange};

use super::{AppResultExt, Ctx, find_org, now, today};

#[derive(Debug, Subcommand)]
pub enum StoryCommand {
    /// Print the story as TOML, ready to edit (an example when none is written yet)
    Show {
        #[arg(long, value_name = "CODE")]
        org: String,
    },
    /// Set the story from a TOML file
    Set {
        #[arg(long, value_name = "CODE")]
        org: String,
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct AskArgs {
    #[arg(long, value_name = "CODE")]
    pub org: String,
    /// The report's period (default: the schedule's period containing today)
    #[arg(long)]
    pub period: Option<String>,
    /// Something the board is asked to decide (Japanese; repeatable)
    #[arg(long, value_name = "TEXT")]
    pub decide: Vec<String>,
    /// Something the board is asked to note (Japanese; repeatable)
    #[arg(long, value_name = "TEXT")]
    pub note: Vec<String>,
    /// Remove what the period's report asks
    #[arg(long, conflicts_with_all = ["decide", "note"])]
    pub clear: bool,
}

#[derive(Debug, Args)]
pub struct ChecklistArgs {
    #[arg(long, value_name = "CODE")]
    pub org: String,
    #[arg(long)]
    pub period: Option<String>,
    /// Steps done: vision, challenges, purpose, business_risk, kpis (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "STEPS")]
    pub done: Vec<String>,
    /// Steps not done (after all)
    #[arg(long, value_delimiter = ',', value_name = "STEPS")]
    pub undone: Vec<String>,
    /// A note on a step: STEP=TEXT (repeatable)
    #[arg(long = "note", value_name = "STEP=TEXT")]
    pub notes: Vec<String>,
}

#[derive(Debug, Args)]
pub struct KpiNameArgs {
    #[arg(long, value_name = "CODE")]
    pub org: String,
    /// The KPI's id (1.2.2, own.pc-monitoring…)
    #[arg(long)]
    pub kpi: String,
    /// The name the board reads, in Japanese
    #[arg(long)]
    pub ja: String,
    /// The name in English (default: the Japanese)
    #[arg(long, default_value = "")]
    pub en: String,
    /// The purpose in business words, in Japanese
    #[arg(long)]
    pub purpose_ja: Option<String>,
    #[arg(long, default_value = "", requires = "purpose_ja")]
    pub purpose_en: String,
}

#[derive(Debug, Subcommand)]
pub enum GlossaryCommand {
    /// The built-in terms and the organisation's own
    List {
        #[arg(long, value_name = "CODE")]
        org: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a term (or reword a built-in one)
    Add {
        #[arg(long, value_name = "CODE")]
        org: String,
        #[arg(long)]
        term: String,
        /// jargon, attack_counts, vulnerability_counts, attack_techniques or controls
        #[arg(long)]
        category: String,
        /// The business phrasing in Japanese
        #[arg(long)]
        ja: String,
        /// The business phrasing in English
        #[arg(long)]
        en: String,
        /// Other spellings (comma-separated)
        #[arg(long, value_delimiter = ',')]
        aliases: Vec<String>,
    },
    /// Remove one of the organisation's terms
    Remove {
        #[arg(long, value_name = "CODE")]
        org: String,
        #[arg(long)]
        term: String,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ScheduleArgs {
    #[command(subcommand)]
    pub command: Option<ScheduleCommand>,
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Set the cadence and how many days after a period its report is due
    Set {
        #[arg(long, value_name = "CODE")]
        org: String,
        /// quarterly or half_yearly
        #[arg(long)]
        cadence: String,
        /// Days after the period's end the report is due (0–90)
        #[arg(long, default_value_t = 30)]
        due_days: i64,
    },
}

/// "Next report: FY2026-Q3, due 2027-01-30".
pub fn next_line(ctx: &Ctx, n: &NextReport) -> String {
    let overdue = if n.overdue {
        ctx.t("cli_report_overdue", &[])
    } else {
        String::new()
    };
    ctx.t(
        "cli_report_next",
        &[
            ("period", &n.period.id),
            ("due", &n.due),
            ("overdue", &overdue),
        ],
    )
}

pub async fn schedule(ctx: &Ctx, args: ScheduleArgs) -> Result<()> {
    if let Some(ScheduleCommand::Set {
        org,
        cadence,
        due_days,
    }) = args.command
    {
        let store = ctx.store().await?;
        let o = find_org(&store, &org).await?;
        let (s, next) = narrative::set_schedule(&store, &o, &cadence, due_days, today(&o), now())
            .await
            .cli()?;
        store.close().await;
        println!("{} / {}", s.cadence.label(ctx.lang), next_line(ctx, &next));
        return Ok(());
    }
    let org = args
        .org
        .ok_or_else(|| anyhow!("--org: which organisation (e.g. --org demo)"))?;
    let store = ctx.store().await?;
    let o = find_org(&store, &org).await?;
    let s = store.schedule(o.id).await?;
    let next = mieruka_app::report::next_due(&store, &o, today(&o)).await?;
    store.close().await;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"schedule": s, "next": next}))?
        );
    } else {
        println!(
            "{}",
            ctx.t(
                "cli_report_cadence",
                &[
                    ("cadence", &s.cadence.label(ctx.lang)),
                    ("days", &s.due_days),
                ],
            )
        );
        println!("{}", next_line(ctx, &next));
    }
    Ok(())
}

pub async fn story(ctx: &Ctx, command: StoryCommand) -> Result<()> {
    match command {
        StoryCommand::Show { org } => {
            let store = ctx.store().await?;
            let o = find_org(&store, &org).await?;
            let story = store.story(o.id).await?;
            store.close().await;
            let story = story.unwrap_or_else(mieruka_domain::report::demo::story);
            print!("{}", toml::to_string(&story)?);
            Ok(())
        }
        StoryCommand::Set { org, file } => {
            let text = crate::files::read_text_limited(&file, &file.display().to_string())?;
            let story: Story = toml::from_str(&text)
                .map_err(|e| anyhow!("{}: {}", file.display(), e.to_string().trim()))?;
            let store = ctx.store().await?;
            let o = find_org(&store, &org).await?;
            narrative::set_story(&store, &o, &story, now())
                .await
                .map_err(|e| anyhow!("{}: {e}", file.display()))?;
            store.close().await;
            println!("{}", ctx.t("cli_report_story_set", &[]));
            Ok(())
        }
    }
}

/// A refusal, with the command that shows what may be given.
fn with_hint(e: mieruka_app::AppError, command: &str) -> anyhow::Error {
    let invalid = e.field().is_some();
    let e = super::app_error(e);
    if invalid {
        anyhow!("{e} (`{command}`)")
    } else {
        e
    }
}

fn text(field: &str, ja: &str) -> Result<BoardText> {
    BoardText::parse(field, ja, "").map_err(|e| anyhow!("{e}"))
}

pub async fn ask(ctx: &Ctx, args: AskArgs) -> Result<()> {
    let store = ctx.store().await?;
    let o = find_org(&store, &args.org).await?;
    let period =
        mieruka_app::report::resolve_period(&store, &o, args.period.as_deref(), today(&o)).await?;
    if args.clear || !args.decide.is_empty() || !args.note.is_empty() {
        let mut items = Vec::new();
        for d in &args.decide {
            items.push(AskItem {
                kind: AskKind::Decide,
                text: text("--decide", d)?,
            });
        }
        for n in &args.note {
            items.push(AskItem {
                kind: AskKind::Note,
                text: text("--note", n)?,
            });
        }
        narrative::set_ask(&store, &o, &period.id, items, now())
            .await
            .map_err(|e| anyhow!("--decide/--note: {}", e.reason()))?;
    }
    let ask = store.ask(o.id, &period.id).await?;
    store.close().await;
    if ask.items.is_empty() {
        println!(
            "{}",
            ctx.t("cli_report_nothing_asked", &[("period", &period.id)])
        );
    }
    for a in &ask.items {
        println!("{}: {}", a.kind.label(ctx.lang), a.text.get(ctx.lang));
    }
    Ok(())
}

fn steps(option: &str, codes: &[String]) -> Result<Vec<Step>> {
    codes
        .iter()
        .map(|c| {
            c.trim()
                .parse::<Step>()
                .map_err(|e| anyhow!("{option}: {e}"))
        })
        .collect()
}

pub async fn checklist(ctx: &Ctx, args: ChecklistArgs) -> Result<()> {
    let done = steps("--done", &args.done)?;
    let undone = steps("--undone", &args.undone)?;
    let mut notes = Vec::new();
    for n in &args.notes {
        let (step, note) = n
            .split_once('=')
            .ok_or_else(|| anyhow!("--note: `{n}` is not STEP=TEXT"))?;
        notes.push((steps("--note", &[step.to_string()])?[0], note.to_string()));
    }
    let store = ctx.store().await?;
    let o = find_org(&store, &args.org).await?;
    let period =
        mieruka_app::report::resolve_period(&store, &o, args.period.as_deref(), today(&o)).await?;
    let change = ChecklistChange {
        done,
        undone,
        notes,
    };
    let c = narrative::change_checklist(&store, &o, &period.id, change, now())
        .await
        .cli()?;
    store.close().await;
    println!("{}", period.id);
    for s in &c.steps {
        let mark = if s.done { "[x]" } else { "[ ]" };
        println!("{mark} {} {}", s.step.label(ctx.lang), s.note);
    }
    Ok(())
}

pub async fn kpi_name(ctx: &Ctx, a: KpiNameArgs) -> Result<()> {
    let purpose = match &a.purpose_ja {
        Some(ja) => {
            Some(BoardText::parse("--purpose", ja, &a.purpose_en).map_err(|e| anyhow!("{e}"))?)
        }
        None => None,
    };
    let wording = KpiWording {
        name: BoardText::parse("--name", &a.ja, &a.en).map_err(|e| anyhow!("{e}"))?,
        purpose,
    };
    let store = ctx.store().await?;
    let o = find_org(&store, &a.org).await?;
    narrative::set_kpi_wording(&store, &o, &a.kpi, &wording, now())
        .await
        .map_err(|e| with_hint(e, "mieruka catalog"))?;
    store.close().await;
    println!("{}: {}", a.kpi, wording.name.get(ctx.lang));
    Ok(())
}

pub async fn glossary(ctx: &Ctx, command: GlossaryCommand) -> Result<()> {
    let store = ctx.store().await?;
    match command {
        GlossaryCommand::List { org, json } => {
            let o = find_org(&store, &org).await?;
            let own = store.glossary_terms(o.id).await?;
            let g = mieruka_app::report::glossary(&store, &o).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"terms": g.terms(), "own": own})
                    )?
                );
            } else {
                for t in g.terms() {
                    let mark = if own.iter().any(|x| x.term == t.term) {
                        "*"
                    } else {
                        " "
                    };
                    println!(
                        "{mark} {} [{}] → {}",
                        t.term,
                        t.category.label(ctx.lang),
                        t.phrasing(ctx.lang)
                    );
                }
            }
        }
        GlossaryCommand::Add {
            org,
            term,
            category,
            ja,
            en,
            aliases,
        } => {
            let category: Category = category.parse().map_err(|e| anyhow!("--category: {e}"))?;
            let o = find_org(&store, &org).await?;
            let t = Term {
                term,
                aliases,
                category,
                ja,
                en,
            };
            let t = narrative::set_glossary_term(&store, &o, &t, now())
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!("{} → {}", t.term, t.phrasing(ctx.lang));
        }
        GlossaryCommand::Remove { org, term } => {
            let o = find_org(&store, &org).await?;
            narrative::remove_glossary_term(&store, &o, &term)
                .await
                .map_err(|e| with_hint(e, &format!("mieruka report glossary list --org {org}")))?;
        }
    }
    store.close().await;
    Ok(())
}
