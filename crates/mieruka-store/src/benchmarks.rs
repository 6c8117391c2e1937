//! Benchmark (peer) figures in the database: server-wide, one row per KPI and survey date,
//! replaced in place when set again. Every change is in the audit log under the entity
//! `benchmark`, keyed `KPI@DATE` (`1.2.2@2026-03-31`), with no organisation.

use mieruka_domain::benchmark::{Benchmark, RawBenchmark};
use mieruka_domain::{Date, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Change, WriteTx};
use crate::{Result, Store, StoreError};

/// A benchmark as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredBenchmark {
    pub benchmark: Benchmark,
    pub created_at: String,
    pub updated_at: String,
}

/// What setting a batch of benchmarks changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BenchmarkChanges {
    pub added: usize,
    pub replaced: usize,
    /// Rows set to what they already were: nothing written, nothing logged.
    pub unchanged: usize,
}

const ENTITY: &str = "benchmark";

/// The audit log's key of a benchmark.
fn key(kpi: &str, as_of: Date) -> String {
    format!("{kpi}@{as_of}")
}

fn raw_from_row(row: &AnyRow) -> Result<RawBenchmark> {
    Ok(RawBenchmark {
        kpi: row.try_get("kpi")?,
        as_of: row.try_get("as_of")?,
        median: row.try_get("median")?,
        lower: row.try_get("lower_quartile")?,
        upper: row.try_get("upper_quartile")?,
        peers: row.try_get("peers")?,
        source: row.try_get("source")?,
        industry: row.try_get("industry")?,
    })
}

fn benchmark_from_row(row: &AnyRow) -> Result<StoredBenchmark> {
    let raw = raw_from_row(row)?;
    // Rows are re-validated like every other stored value: a bad one is reported, never used.
    let benchmark = raw.validate().map_err(|e| StoreError::Corrupt {
        what: format!("benchmark {}@{}", raw.kpi, raw.as_of),
        reason: e.to_string(),
    })?;
    Ok(StoredBenchmark {
        benchmark,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Store {
    /// Adds each benchmark, or replaces the one with the same KPI and date (keeping when it was
    /// first recorded), all in one transaction: every row is written, or none is. A KPI and date
    /// given twice in the batch is refused (`[i].as_of`), since one would silently win.
    pub async fn set_benchmarks(
        &self,
        rows: &[Benchmark],
        now: Timestamp,
    ) -> Result<BenchmarkChanges> {
        for (i, b) in rows.iter().enumerate() {
            if let Some(j) = rows[..i]
                .iter()
                .position(|a| a.kpi == b.kpi && a.as_of == b.as_of)
            {
                return Err(StoreError::invalid(
                    format!("[{i}].as_of"),
                    format!("KPI {} on {} is also given at [{j}]", b.kpi, b.as_of),
                ));
            }
        }
        let mut tx = self.begin_write().await?;
        let mut changes = Vec::new();
        let mut report = BenchmarkChanges::default();
        for b in rows {
            let before = self.benchmark_row(&mut tx, b.kpi.as_str(), b.as_of).await?;
            let after = b.to_raw();
            let change = match &before {
                None => Some(Change::create(
                    ENTITY,
                    key(b.kpi.as_str(), b.as_of),
                    None,
                    &after,
                )),
                Some(old) => Change::update_if_changed(
                    ENTITY,
                    key(b.kpi.as_str(), b.as_of),
                    None,
                    old,
                    &after,
                ),
            };
            let Some(change) = change else {
                report.unchanged += 1;
                continue;
            };
            insert_or_replace(&mut tx, b, now).await?;
            if before.is_some() {
                report.replaced += 1;
            } else {
                report.added += 1;
            }
            changes.push(change);
        }
        self.commit_audited(tx, &changes).await?;
        Ok(report)
    }

    /// The stored benchmark for a KPI and date, locked until the change commits.
    async fn benchmark_row(
        &self,
        tx: &mut WriteTx,
        kpi: &str,
        as_of: Date,
    ) -> Result<Option<RawBenchmark>> {
        let sql = format!(
            "SELECT * FROM benchmarks WHERE kpi = $1 AND as_of = $2{}",
            self.for_update()
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(kpi)
            .bind(as_of.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        row.as_ref().map(raw_from_row).transpose()
    }

    /// Every benchmark, ordered by KPI id (as text, byte by byte, the same on both databases)
    /// and then by date.
    pub async fn benchmarks(&self) -> Result<Vec<StoredBenchmark>> {
        let rows = sqlx::query("SELECT * FROM benchmarks")
            .fetch_all(self.pool())
            .await?;
        let mut out = rows
            .iter()
            .map(benchmark_from_row)
            .collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| {
            (a.benchmark.kpi.as_str(), a.benchmark.as_of)
                .cmp(&(b.benchmark.kpi.as_str(), b.benchmark.as_of))
        });
        Ok(out)
    }

    /// Removes the benchmark for this KPI and date, or `NotFound`.
    pub async fn remove_benchmark(&self, kpi: &str, as_of: Date) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let Some(before) = self.benchmark_row(&mut tx, kpi, as_of).await? else {
            return Err(StoreError::NotFound {
                what: "benchmark",
                key: key(kpi, as_of),
            });
        };
        sqlx::query("DELETE FROM benchmarks WHERE kpi = $1 AND as_of = $2")
            .bind(kpi)
            .bind(as_of.to_string())
            .execute(&mut *tx)
            .await?;
        let change = Change::delete(ENTITY, key(kpi, as_of), None, &before);
        self.commit_audited(tx, &[change]).await
    }
}

/// Writes one benchmark. sqlx's Any driver binds a missing f64 as a PostgreSQL float4, and the
/// statement cached for that text then rejects a real f64; an absent quartile is therefore
/// written as `NULL` in the text, so each variant of the text is typed once.
async fn insert_or_replace(tx: &mut WriteTx, b: &Benchmark, now: Timestamp) -> Result<()> {
    let mut next = 3;
    let mut slot = |v: Option<f64>| match v {
        Some(_) => {
            next += 1;
            format!("${next}")
        }
        None => "NULL".to_string(),
    };
    let (lower, upper) = (slot(b.lower), slot(b.upper));
    let sql = format!(
        "INSERT INTO benchmarks (kpi, as_of, median, lower_quartile, upper_quartile, peers, source, \
         industry, created_at, updated_at) \
         VALUES ($1, $2, $3, {lower}, {upper}, ${p}, ${s}, ${i}, ${t}, ${t}) \
         ON CONFLICT (kpi, as_of) DO UPDATE SET median = excluded.median, \
         lower_quartile = excluded.lower_quartile, upper_quartile = excluded.upper_quartile, \
         peers = excluded.peers, source = excluded.source, industry = excluded.industry, \
         updated_at = excluded.updated_at",
        p = next + 1,
        s = next + 2,
        i = next + 3,
        t = next + 4,
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(b.kpi.as_str())
        .bind(b.as_of.to_string())
        .bind(b.median);
    for v in [b.lower, b.upper].into_iter().flatten() {
        query = query.bind(v);
    }
    query
        .bind(i64::from(b.peers))
        .bind(&b.source)
        .bind(b.industry.as_deref())
        .bind(now.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
