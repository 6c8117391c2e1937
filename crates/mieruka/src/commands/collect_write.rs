//! `mieruka collect … --write`: a connector's figures recorded as measurements of the
//! organisation's plans through `mieruka_app::collect` (the same path as the server), so they
//! pass the same validation as any other entry. The plans are found before the file is read, so
//! a wrong target fails at once; the evidence is the file's name and SHA-256 (several files: their
//! names and one digest of their digests), and a file counts once.

use std::path::Path;

use anyhow::{Context as _, Result};
use mieruka_app::collect::{self, Evidence, Recording};
use mieruka_connectors::figures::KpiFigure;
use mieruka_domain::digest::{Sha256Hasher, sha256_hex};
use mieruka_domain::period::Period;
use mieruka_store::plans::PlanContext;

use super::{Ctx, find_org, now, parse_date, who};
use crate::commands::collect_render::tr;

/// Where and how the results are written.
pub struct Target {
    pub org: String,
    pub period: Option<String>,
    pub date: Option<String>,
    /// The unit receiving figures of data without a business unit.
    pub unit: Option<String>,
}

/// The plans a run writes to.
pub struct Prepared {
    store: mieruka_store::Store,
    period: Period,
    date: mieruka_domain::Date,
    unit: Option<String>,
    plans: Vec<PlanContext>,
}

/// The file's SHA-256, read in blocks.
fn file_digest(path: &Path) -> Result<String> {
    use std::io::Read as _;
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finish_hex())
}

/// The evidence of the files a run read.
fn evidence(files: &[&Path]) -> Result<Evidence> {
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_name().map_or_else(
                || f.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let digests = files
        .iter()
        .map(|f| file_digest(f))
        .collect::<Result<Vec<_>>>()?;
    Ok(match digests.as_slice() {
        [one] => Evidence {
            name: names[0].clone(),
            sha256: one.clone(),
        },
        _ => Evidence {
            name: names.join("+"),
            sha256: sha256_hex(digests.join("|").as_bytes()),
        },
    })
}

pub async fn prepare(ctx: &Ctx, target: &Target, kpis: &[&str]) -> Result<Prepared> {
    let store = ctx.store().await?;
    let org = find_org(&store, &target.org).await?;
    let date = match &target.date {
        Some(d) => parse_date("--date", d)?,
        None => org.org.today(now()),
    };
    let period =
        mieruka_app::status::resolve_period(&store, &org, target.period.as_deref(), date).await?;
    let plans = collect::plans_for(&store, &org, &period, kpis).await?;
    Ok(Prepared {
        store,
        period,
        date,
        unit: target.unit.clone(),
        plans,
    })
}

pub async fn write(
    ctx: &Ctx,
    prepared: Prepared,
    files: &[&Path],
    figures: &[KpiFigure],
) -> Result<()> {
    let Prepared {
        store,
        period,
        date,
        unit,
        plans,
    } = prepared;
    let evidence = evidence(files)?;
    let by = who(None);
    let how = Recording {
        date,
        evidence: &evidence,
        recorded_by: &by,
        default_unit: unit.as_deref(),
    };
    let (batch, unmatched) = collect::measurements(&plans, figures, &how)?;
    let done = collect::write(&store, &period, &batch, unmatched, &evidence, now()).await?;
    eprintln!(
        "{}",
        tr(
            ctx.lang,
            "collect_written",
            &[
                ("period", &done.period),
                ("added", &done.added),
                ("already", &done.already_recorded),
                ("evidence", &done.evidence),
            ],
        )
    );
    if !done.unmatched.is_empty() {
        eprintln!(
            "{}",
            tr(
                ctx.lang,
                "collect_unmatched",
                &[("units", &done.unmatched.join(", "))]
            )
        );
    }
    store.close().await;
    Ok(())
}
