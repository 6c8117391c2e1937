//! `mieruka audit`: checks the hash-chained, sealed audit log (`verify`, also against kept
//! anchors), prints its newest entry as an anchor to keep elsewhere (`anchor`), and shows its
//! entries, newest first (`list`). A broken chain is a failure: one line naming the entry,
//! non-zero exit.

use anyhow::{Context as _, Result, bail};
use mieruka_app::audit::AuditVerdict;
use mieruka_domain::Lang;
use mieruka_domain::i18n::tr;
use mieruka_store::audit::{Anchor, AuditEntry, AuditReport, VerifyError};

use super::{Ctx, find_org, json_text, now};
use crate::cli::AuditCommand;
use crate::render::table;

pub async fn run(ctx: &Ctx, command: AuditCommand) -> Result<()> {
    match command {
        AuditCommand::Verify { json, anchor } => verify(ctx, json, anchor.as_deref()).await,
        AuditCommand::Anchor => anchor(ctx).await,
        AuditCommand::List { org, limit, json } => list(ctx, org, limit, json).await,
    }
}

/// The anchors given to `--anchor`: one line of JSON, or a file of such lines (blank lines
/// and `#` comments skipped).
fn read_anchors(given: &str) -> Result<Vec<Anchor>> {
    if given.trim_start().starts_with('{') {
        return Ok(vec![Anchor::parse(given).context("--anchor")?]);
    }
    let text = std::fs::read_to_string(given).with_context(|| format!("--anchor: {given}"))?;
    let anchors = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            Anchor::parse(l).with_context(|| format!("--anchor: {given}, line {}", i + 1))
        })
        .collect::<Result<Vec<_>>>()?;
    if anchors.is_empty() {
        bail!("--anchor: {given} holds no anchor");
    }
    Ok(anchors)
}

async fn anchor(ctx: &Ctx) -> Result<()> {
    let store = ctx.store().await?;
    let anchor = store.audit_anchor(now()).await;
    store.close().await;
    println!("{}", anchor?.to_line());
    Ok(())
}

/// What vouched for the entries, below the verdict.
fn seal_lines(lang: Lang, report: &AuditReport, anchors: usize) -> Vec<String> {
    fn indented(lang: Lang, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        format!("  {}", tr(lang, key, args))
    }
    let line = |key: &str, args: &[(&str, &dyn std::fmt::Display)]| indented(lang, key, args);
    let mut lines = vec![line(
        "audit_seals_checked",
        &[("sealed", &report.sealed), ("unsealed", &report.unsealed)],
    )];
    if report.unchecked > 0 {
        lines.push(line(
            "audit_seals_unchecked",
            &[("unchecked", &report.unchecked)],
        ));
    }
    lines.push(match report.head {
        Some(seq) => line("audit_head_held", &[("seq", &seq)]),
        None => line("audit_head_none", &[]),
    });
    if anchors > 0 {
        lines.push(line("audit_anchors_held", &[("anchors", &anchors)]));
    }
    lines
}

async fn verify(ctx: &Ctx, as_json: bool, anchor: Option<&str>) -> Result<()> {
    let anchors = match anchor {
        Some(given) => read_anchors(given)?,
        None => Vec::new(),
    };
    let store = ctx.store().await?;
    let verdict = store.verify_audit_with(&anchors).await;
    store.close().await;
    match verdict {
        Ok(report) if as_json => {
            let mut v = AuditVerdict::of(Ok(report))?;
            if let AuditVerdict::Intact(intact) = &mut v {
                intact.anchors = Some(anchors.len());
            }
            println!("{}", json_text(&v)?);
        }
        Ok(report) => {
            println!(
                "{}",
                tr(ctx.lang, "audit_intact", &[("entries", &report.entries)])
            );
            println!(
                "  {}",
                tr(ctx.lang, "audit_last_hash", &[("hash", &report.last_hash)])
            );
            for line in seal_lines(ctx.lang, &report, anchors.len()) {
                println!("{line}");
            }
        }
        Err(VerifyError::Broken(b)) => {
            // Scripts reading JSON get the verdict on stdout too; the exit status still fails.
            if as_json {
                let v = AuditVerdict::of(Err(VerifyError::Broken(b)))?;
                println!("{}", json_text(&v)?);
            }
            bail!(b);
        }
        Err(VerifyError::Store(e)) => return Err(e.into()),
    }
    Ok(())
}

async fn list(ctx: &Ctx, org: Option<String>, limit: u32, as_json: bool) -> Result<()> {
    if limit == 0 {
        bail!("--limit: give at least 1");
    }
    let store = ctx.store().await?;
    let org_id = match &org {
        Some(code) => Some(find_org(&store, code).await?.id),
        None => None,
    };
    let entries = store.audit_entries(org_id, None, limit).await?;
    store.close().await;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
    } else {
        print!("{}", render(ctx.lang, &entries));
    }
    Ok(())
}

fn render(lang: Lang, entries: &[AuditEntry]) -> String {
    if entries.is_empty() {
        return format!("{}\n", tr(lang, "audit_empty", &[]));
    }
    let header: Vec<String> = ["seq", "at", "actor", "action", "entity", "key"]
        .iter()
        .map(|c| tr(lang, &format!("audit_col_{c}"), &[]))
        .collect();
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                e.at.clone(),
                e.actor.clone(),
                action_label(lang, &e.action),
                e.entity.clone(),
                e.entity_key.clone(),
            ]
        })
        .collect();
    table(&header, &rows)
}

/// The action in the output language; anything unknown (only after tampering) as stored.
fn action_label(lang: Lang, action: &str) -> String {
    match action {
        "create" | "update" | "delete" => tr(lang, &format!("audit_action_{action}"), &[]),
        other => other.to_string(),
    }
}
