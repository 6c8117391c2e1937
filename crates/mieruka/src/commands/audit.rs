//! `mieruka audit`: checks the hash-chained, sealed audit log (`verify`, also against kept
//! anchors), prints its newest entry as an anchor to keep elsewhere (`anchor`), and shows its
//! entries, newest first (`list`). A broken chain is a failure: one line naming the entry,
//! non-zero exit.

use anyhow::{Context as _, Result, bail};
use mieruka_domain::Lang;
use mieruka_store::audit::{Anchor, AuditEntry, AuditReport, VerifyError};
use serde_json::json;

use super::{Ctx, find_org, now};
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
    let mut lines = Vec::new();
    lines.push(match lang {
        Lang::Ja => format!(
            "  封印: {} 件を鍵で確認（鍵の作成前の記録 {} 件は封印なし）",
            report.sealed, report.unsealed
        ),
        Lang::En => format!(
            "  seals: {} entries checked with the key ({} written before the key, unsealed)",
            report.sealed, report.unsealed
        ),
    });
    if report.unchecked > 0 {
        lines.push(match lang {
            Lang::Ja => format!("  鍵がないため未確認の封印: {} 件", report.unchecked),
            Lang::En => format!("  seals not checked (no key): {}", report.unchecked),
        });
    }
    lines.push(match (lang, report.head) {
        (Lang::Ja, Some(seq)) => format!("  この機械が記録した先頭: 記録 No. {seq} を保持"),
        (Lang::En, Some(seq)) => format!("  head recorded on this machine: entry {seq}, held"),
        (Lang::Ja, None) => "  この機械が記録した先頭: まだありません".into(),
        (Lang::En, None) => "  head recorded on this machine: none yet".into(),
    });
    if anchors > 0 {
        lines.push(match lang {
            Lang::Ja => format!("  アンカー: {anchors} 件すべて保持"),
            Lang::En => format!("  anchors: all {anchors} held"),
        });
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
            let v = json!({
                "ok": true,
                "entries": report.entries,
                "last_hash": report.last_hash,
                "sealed": report.sealed,
                "unsealed": report.unsealed,
                "unchecked": report.unchecked,
                "head": report.head,
                "anchors": anchors.len(),
            });
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        Ok(report) => {
            match ctx.lang {
                Lang::Ja => {
                    println!("監査ログ: {} 件、改ざんなし", report.entries);
                    println!("  最後のハッシュ: {}", report.last_hash);
                }
                Lang::En => {
                    println!("Audit log: {} entries, not tampered with", report.entries);
                    println!("  last hash: {}", report.last_hash);
                }
            }
            for line in seal_lines(ctx.lang, &report, anchors.len()) {
                println!("{line}");
            }
        }
        Err(VerifyError::Broken(b)) => {
            // Scripts reading JSON get the verdict on stdout too; the exit status still fails.
            if as_json {
                let v = json!({
                    "ok": false,
                    "entry": b.seq,
                    "problem": b.problem,
                    "recorded": b.recorded,
                    "message": b.to_string(),
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
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
        return match lang {
            Lang::Ja => "監査ログに記録はありません。\n".into(),
            Lang::En => "The audit log has no entries.\n".into(),
        };
    }
    let header: Vec<String> = match lang {
        Lang::Ja => ["#", "日時 (UTC)", "実行者", "操作", "対象", "キー"],
        Lang::En => ["#", "Time (UTC)", "Actor", "Action", "Entity", "Key"],
    }
    .iter()
    .map(|s| s.to_string())
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
    let ja = match action {
        "create" => "作成",
        "update" => "変更",
        "delete" => "削除",
        other => return other.to_string(),
    };
    match lang {
        Lang::Ja => ja.into(),
        Lang::En => action.into(),
    }
}
