//! Plans (目標) and their revisions. A plan's content is never updated in place: each change
//! is a new revision with its reason, so the history of what was agreed stays readable.

use mieruka_domain::Timestamp;
use mieruka_domain::plan::{PlanContent, PlanEvent, PlanState};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::ids::{KpiDefId, OrgId, PeriodId, PlanId};
use crate::{Result, Store, StoreError};

/// A plan with its current revision.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlan {
    pub id: PlanId,
    pub org_id: OrgId,
    pub period_id: PeriodId,
    pub kpi: KpiDefId,
    pub state: PlanState,
    pub revision: i64,
    /// What the plan aims for, at its current revision.
    pub content: PlanContent,
}

/// One revision of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRevision {
    pub revision: i64,
    pub content: PlanContent,
    pub reason: String,
    pub created_by: String,
    pub created_at: String,
}

fn parse_content(plan: i64, s: &str) -> Result<PlanContent> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt {
        what: format!("plan {plan}"),
        reason: e.to_string(),
    })
}

fn plan_from_row(row: &AnyRow) -> Result<StoredPlan> {
    let id: i64 = row.try_get("id")?;
    let state: String = row.try_get("state")?;
    let content: String = row.try_get("content")?;
    Ok(StoredPlan {
        id: PlanId(id),
        org_id: OrgId(row.try_get("org_id")?),
        period_id: PeriodId(row.try_get("period_id")?),
        kpi: KpiDefId(row.try_get("kpi_definition_id")?),
        state: state.parse().map_err(|reason| StoreError::Corrupt {
            what: format!("plan {id}"),
            reason,
        })?,
        revision: row.try_get("revision")?,
        content: parse_content(id, &content)?,
    })
}

/// A revision to record with a plan's event.
struct NewRevision<'a> {
    content: &'a PlanContent,
    reason: &'a str,
    created_by: &'a str,
    now: Timestamp,
}

const PLAN_WITH_CURRENT_REVISION: &str = "SELECT p.id, p.org_id, p.period_id, p.kpi_definition_id, p.state, \
     r.revision, r.content FROM plans p JOIN plan_revisions r ON r.plan_id = p.id \
     AND r.revision = (SELECT MAX(revision) FROM plan_revisions WHERE plan_id = p.id)";

impl Store {
    /// Creates a draft plan with its first revision, in one transaction.
    pub async fn create_plan(
        &self,
        org: OrgId,
        period: PeriodId,
        kpi: KpiDefId,
        content: &PlanContent,
        created_by: &str,
        now: Timestamp,
    ) -> Result<PlanId> {
        let now = now.to_string();
        let mut tx = self.begin_write().await?;
        let period_row = sqlx::query("SELECT org_id, code FROM periods WHERE id = $1")
            .bind(period.0)
            .fetch_optional(&mut *tx)
            .await?;
        let period_code: String = match period_row {
            Some(row) if row.try_get::<i64, _>("org_id")? == org.0 => row.try_get("code")?,
            _ => {
                return Err(StoreError::invalid(
                    "period",
                    format!("period {period} is not this organisation's"),
                ));
            }
        };
        let kpi_row = sqlx::query("SELECT org_id, kpi_id FROM kpi_definitions WHERE id = $1")
            .bind(kpi.0)
            .fetch_optional(&mut *tx)
            .await?;
        let kpi_id: String = match kpi_row {
            Some(row)
                if row
                    .try_get::<Option<i64>, _>("org_id")?
                    .is_none_or(|o| o == org.0) =>
            {
                row.try_get("kpi_id")?
            }
            _ => {
                return Err(StoreError::invalid(
                    "kpi",
                    format!("KPI {kpi} is not available to this organisation"),
                ));
            }
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plans (org_id, period_id, kpi_definition_id, state, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(org.0)
        .bind(period.0)
        .bind(kpi.0)
        .bind(PlanState::Draft.code())
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO plan_revisions (plan_id, revision, content, reason, created_by, created_at) \
             VALUES ($1, 1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(serde_json::to_string(content).expect("plan content serialises"))
        .bind("created")
        .bind(created_by)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "period": period_code,
            "kpi": kpi_id,
            "state": PlanState::Draft.code(),
            "revision": 1,
            "content": content,
            "created_by": created_by,
        });
        let change = Change::create("plan", format!("plan {id}"), Some(org), &after);
        self.commit_audited(tx, &[change]).await?;
        Ok(PlanId(id))
    }

    /// Records a new revision of a plan and returns its number. A reason is required; a closed
    /// plan takes none (checked in the revision's transaction).
    pub async fn revise_plan(
        &self,
        plan: PlanId,
        content: &PlanContent,
        reason: &str,
        created_by: &str,
        now: Timestamp,
    ) -> Result<i64> {
        let revision = NewRevision {
            content,
            reason,
            created_by,
            now,
        };
        self.revised_by(plan, PlanEvent::Revise, revision).await
    }

    /// Records the executives' agreement: the revision carrying it and the change from draft to
    /// agreed, in one transaction that checks the plan is still a draft. Of several agreements
    /// at once, one succeeds and the others are refused with the state they found.
    pub async fn agree_plan(
        &self,
        plan: PlanId,
        content: &PlanContent,
        reason: &str,
        created_by: &str,
        now: Timestamp,
    ) -> Result<i64> {
        let revision = NewRevision {
            content,
            reason,
            created_by,
            now,
        };
        self.revised_by(plan, PlanEvent::Agree, revision).await
    }

    /// Applies an event that records a revision; returns the revision's number.
    async fn revised_by(
        &self,
        plan: PlanId,
        event: PlanEvent,
        revision: NewRevision<'_>,
    ) -> Result<i64> {
        let (_, number) = self.apply_plan_event(plan, event, Some(revision)).await?;
        Ok(number.expect("a revision was asked for"))
    }

    /// Closes a plan that is not closed yet.
    pub async fn close_plan(&self, plan: PlanId) -> Result<()> {
        self.apply_plan_event(plan, PlanEvent::Close, None).await?;
        Ok(())
    }

    /// Brings a plan to `state` by the event that leads there (no revision is recorded): for
    /// loading plans whose state is already known, as the demo does. Nothing to do when the
    /// plan is in that state already.
    pub async fn set_plan_state(&self, plan: PlanId, state: PlanState) -> Result<()> {
        let current = self.plan(plan).await?.state;
        match current.event_to(state) {
            Ok(None) => Ok(()),
            Ok(Some(event)) => {
                self.apply_plan_event(plan, event, None).await?;
                Ok(())
            }
            Err(e) => Err(StoreError::State {
                what: format!("plan {plan}"),
                done: state.code(),
                reason: e.to_string(),
            }),
        }
    }

    /// Applies an event to a plan in one transaction: reads its state under a row lock
    /// (PostgreSQL; SQLite's writes take turns), asks the domain's rule what the event leads to,
    /// records the revision if there is one, and moves the state only if it is still the one
    /// read. Returns the new state and the revision's number.
    async fn apply_plan_event(
        &self,
        plan: PlanId,
        event: PlanEvent,
        revision: Option<NewRevision<'_>>,
    ) -> Result<(PlanState, Option<i64>)> {
        let reason = revision.as_ref().map(|r| r.reason.trim());
        if reason.is_some_and(str::is_empty) {
            return Err(StoreError::invalid(
                "reason",
                "a plan revision needs a reason",
            ));
        }
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT org_id, state FROM plans WHERE id = $1{}",
            self.for_update()
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(plan.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "plan",
                key: plan.to_string(),
            })?;
        let org = OrgId(row.try_get("org_id")?);
        let code: String = row.try_get("state")?;
        let current: PlanState = code.parse().map_err(|reason| StoreError::Corrupt {
            what: format!("plan {plan}"),
            reason,
        })?;
        let refused = |reason: String| StoreError::State {
            what: format!("plan {plan}"),
            done: event.done(),
            reason,
        };
        let next = current.after(event).map_err(|e| refused(e.to_string()))?;
        let mut changes = Vec::new();
        let mut number = None;
        if let (Some(r), Some(reason)) = (&revision, reason) {
            let last = sqlx::query(
                "SELECT revision, content FROM plan_revisions WHERE plan_id = $1 \
                 ORDER BY revision DESC LIMIT 1",
            )
            .bind(plan.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("plan {plan}"),
                reason: "it has no revision".into(),
            })?;
            let before_content: String = last.try_get("content")?;
            let last: i64 = last.try_get("revision")?;
            // The UNIQUE (plan_id, revision) constraint turns a concurrent reviser into a
            // conflict instead of a lost revision.
            sqlx::query(
                "INSERT INTO plan_revisions (plan_id, revision, content, reason, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(plan.0)
            .bind(last + 1)
            .bind(serde_json::to_string(r.content).expect("plan content serialises"))
            .bind(reason)
            .bind(r.created_by)
            .bind(r.now.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                StoreError::conflict_on_unique(e, "plan revision", &format!("{plan}#{}", last + 1))
            })?;
            let before = serde_json::json!({
                "revision": last,
                "content": parse_content(plan.0, &before_content)?,
            });
            let after = serde_json::json!({
                "revision": last + 1,
                "content": r.content,
                "reason": reason,
                "created_by": r.created_by,
            });
            changes.push(Change::update(
                "plan_revision",
                format!("plan {plan}"),
                Some(org),
                &before,
                &after,
            ));
            number = Some(last + 1);
        }
        if next != current {
            let moved = sqlx::query("UPDATE plans SET state = $1 WHERE id = $2 AND state = $3")
                .bind(next.code())
                .bind(plan.0)
                .bind(current.code())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if moved != 1 {
                // Another change moved the plan after it was read; report what it is now.
                let found: String = sqlx::query_scalar("SELECT state FROM plans WHERE id = $1")
                    .bind(plan.0)
                    .fetch_one(&mut *tx)
                    .await?;
                return Err(refused(format!("it is now {found}")));
            }
            changes.push(Change::update(
                "plan_state",
                format!("plan {plan}"),
                Some(org),
                &serde_json::json!({ "state": current.code() }),
                &serde_json::json!({ "state": next.code() }),
            ));
        }
        self.commit_audited(tx, &changes).await?;
        Ok((next, number))
    }

    pub async fn plan(&self, plan: PlanId) -> Result<StoredPlan> {
        let sql = format!("{PLAN_WITH_CURRENT_REVISION} WHERE p.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(plan.0)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "plan",
                key: plan.to_string(),
            })?;
        plan_from_row(&row)
    }

    /// An organisation's plans for a period, oldest first, each at its current revision.
    pub async fn plans(&self, org: OrgId, period: PeriodId) -> Result<Vec<StoredPlan>> {
        let sql = format!(
            "{PLAN_WITH_CURRENT_REVISION} WHERE p.org_id = $1 AND p.period_id = $2 ORDER BY p.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(period.0)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(plan_from_row).collect()
    }

    /// Every revision of a plan, first to last.
    pub async fn plan_revisions(&self, plan: PlanId) -> Result<Vec<PlanRevision>> {
        let rows = sqlx::query(
            "SELECT revision, content, reason, created_by, created_at FROM plan_revisions \
             WHERE plan_id = $1 ORDER BY revision",
        )
        .bind(plan.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let content: String = row.try_get("content")?;
                Ok(PlanRevision {
                    revision: row.try_get("revision")?,
                    content: parse_content(plan.0, &content)?,
                    reason: row.try_get("reason")?,
                    created_by: row.try_get("created_by")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }
}

/// Everything needed to validate and evaluate a plan's measurements.
#[derive(Debug, Clone)]
pub struct PlanContext {
    pub plan: StoredPlan,
    pub org: crate::orgs::StoredOrg,
    pub kpi: mieruka_domain::KpiDefinition,
    pub period: mieruka_domain::period::Period,
    /// All units of the organisation (the plan's scope names some of them by code).
    pub units: Vec<crate::orgs::StoredUnit>,
}

impl PlanContext {
    /// The unit with this code, if the organisation has it.
    pub fn unit(&self, code: &str) -> Option<&crate::orgs::StoredUnit> {
        self.units.iter().find(|u| u.unit.code.as_str() == code)
    }
}

impl Store {
    /// Loads a plan with its organisation, KPI definition, period and units.
    pub async fn plan_context(&self, plan: PlanId) -> Result<PlanContext> {
        let plan = self.plan(plan).await?;
        let slug: String = sqlx::query_scalar("SELECT slug FROM organisations WHERE id = $1")
            .bind(plan.org_id.0)
            .fetch_one(self.pool())
            .await?;
        let org = self.organisation(&slug).await?;
        let kpi = self
            .kpi_definition_by_row(plan.kpi)
            .await
            .map_err(|e| match e {
                StoreError::NotFound { .. } => StoreError::Corrupt {
                    what: format!("plan {}", plan.id),
                    reason: "its KPI definition is missing".into(),
                },
                other => other,
            })?
            .definition;
        let period = self
            .periods(plan.org_id)
            .await?
            .into_iter()
            .find(|p| p.id == plan.period_id)
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("plan {}", plan.id),
                reason: "its period is missing".into(),
            })?
            .to_period(org.org.fiscal_start_month)?;
        let units = self.units(plan.org_id).await?;
        Ok(PlanContext {
            plan,
            org,
            kpi,
            period,
            units,
        })
    }

    /// Every plan of an organisation, in any period, oldest first.
    pub async fn all_plans(&self, org: OrgId) -> Result<Vec<StoredPlan>> {
        let sql = format!("{PLAN_WITH_CURRENT_REVISION} WHERE p.org_id = $1 ORDER BY p.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(plan_from_row).collect()
    }
}
