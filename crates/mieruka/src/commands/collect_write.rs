//! `mieruka collect … --write`: a connector's results recorded as measurements of the
//! organisation's plans, through the same validation as any other entry.
//!
//! Vulnerability findings feed KPIs 1.12.1 (mean time from publication to the start of the
//! response) and 1.12.2 (mean time from start to resolution), per unit whose code or name is the
//! file's business unit, for one severity. Each measurement carries the file's name and SHA-256
//! as evidence, with the source `connector`; its import key is made from the file's digest, the
//! plan and the unit, so running the same file again adds nothing.

use std::path::Path;

use anyhow::{Context as _, Result, anyhow};
use mieruka_connectors::vulns::{Report, Severity};
use mieruka_domain::Lang;
use mieruka_domain::plan::{MeasurementInput, MeasurementSource, PlanState};
use mieruka_domain::text::normalise;
use sha2::Digest as _;

use super::{Ctx, find_org, now, parse_date, today, who};

/// Where and how the results are written.
pub struct Target {
    pub org: String,
    pub period: Option<String>,
    pub date: Option<String>,
    pub severity: Severity,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The file's SHA-256, read in blocks.
fn file_digest(path: &Path) -> Result<String> {
    use std::io::Read as _;
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = sha2::Sha256::new();
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
    Ok(hex(&hasher.finalize()))
}

/// The plans a run writes to, found before the file is read so a wrong target fails at once.
pub struct Prepared {
    store: mieruka_store::Store,
    period: String,
    date: mieruka_domain::Date,
    severity: Severity,
    /// Each plan's context, and whether it is 1.12.1 (time to start) rather than 1.12.2.
    plans: Vec<(mieruka_store::plans::PlanContext, bool)>,
}

pub async fn prepare(ctx: &Ctx, target: &Target) -> Result<Prepared> {
    let store = ctx.store().await?;
    let org = find_org(&store, &target.org).await?;
    let date = match &target.date {
        Some(d) => parse_date("--date", d)?,
        None => today(),
    };
    let period =
        super::status::resolve_period(&store, &org, target.period.as_deref(), date).await?;
    let mut plans = Vec::new();
    if let Some(stored) = store.period(org.id, &period.id).await? {
        for plan in store.plans(org.id, stored.id).await? {
            if plan.state == PlanState::Closed {
                continue;
            }
            let pc = store.plan_context(plan.id).await?;
            match pc.kpi.id.as_str() {
                "1.12.1" => plans.push((pc, true)),
                "1.12.2" => plans.push((pc, false)),
                _ => {}
            }
        }
    }
    if plans.is_empty() {
        return Err(anyhow!(
            "{} has no open plan for KPI 1.12.1 or 1.12.2 in {}: nothing to write to",
            org.org.slug,
            period.id
        ));
    }
    Ok(Prepared {
        store,
        period: period.id,
        date,
        severity: target.severity,
        plans,
    })
}

pub async fn write(ctx: &Ctx, prepared: Prepared, file: &Path, report: &Report) -> Result<()> {
    let Prepared {
        store,
        period,
        date,
        severity,
        plans,
    } = prepared;
    let digest = file_digest(file)?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let evidence = format!("{name} sha256:{digest}");
    let by = who(None);

    let mut batch = Vec::new();
    let mut unmatched = std::collections::BTreeSet::new();
    for (pc, to_start) in &plans {
        let plan = &pc.plan;
        for g in report.groups.iter().filter(|g| g.severity == severity) {
            let wanted = normalise(&g.business_unit).to_lowercase();
            let Some(unit) = pc.units.iter().find(|u| {
                u.unit.code.as_str() == wanted || normalise(&u.unit.name).to_lowercase() == wanted
            }) else {
                unmatched.insert(g.business_unit.clone());
                continue;
            };
            if !pc
                .plan
                .content
                .units
                .iter()
                .any(|c| c == unit.unit.code.as_str())
            {
                continue;
            }
            let (mean, events) = if *to_start {
                (g.mean_hours_to_start, g.started)
            } else {
                (g.mean_hours_to_resolve, g.resolved)
            };
            let Some(mean) = mean.filter(|_| events > 0) else {
                continue;
            };
            let input = MeasurementInput {
                unit: unit.unit.code.to_string(),
                date: date.to_string(),
                mean_hours: Some(mean),
                events: Some(events as f64),
                evidence: Some(evidence.clone()),
                ..MeasurementInput::default()
            };
            let key = format!(
                "connector:{}",
                hex(&sha2::Sha256::digest(
                    format!("{digest}|{}|{}", plan.id, unit.id).as_bytes()
                ))
            );
            let m = mieruka_app::measure::to_new_measurement(
                pc,
                &input,
                MeasurementSource::Connector,
                &by,
                Some(key),
            )
            .map_err(|e| {
                anyhow!(
                    "plan #{} unit {}: {}: {}",
                    plan.id,
                    unit.unit.code,
                    e.field,
                    e.reason
                )
            })?;
            batch.push(m);
        }
    }
    let done = store.add_measurements(&batch, now()).await?;
    let l = |ja: &'static str, en: &'static str| if ctx.lang == Lang::Ja { ja } else { en };
    eprintln!(
        "{}: {} {}, {} {} ({} {})",
        period,
        l("記録", "recorded"),
        done.added,
        l("記録済み", "already recorded"),
        done.already_recorded,
        l("証跡", "evidence"),
        evidence
    );
    if !unmatched.is_empty() {
        let list: Vec<_> = unmatched.into_iter().collect();
        eprintln!(
            "{}: {}",
            l(
                "対応するユニットがない事業部門",
                "business units with no matching unit"
            ),
            list.join(", ")
        );
    }
    store.close().await;
    Ok(())
}
