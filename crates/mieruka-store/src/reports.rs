//! What people write for the board report, in the database: the strategy story, each period's
//! ask and checklist, the board's wording of KPIs, the report schedule and the organisation's own
//! glossary terms. Each is one row of `report_settings` per organisation, kind and scope (the
//! period id, the KPI id, the term), holding the validated value as JSON; setting it again
//! replaces it, and every change is audited with the value before and after. Values are
//! validated again when read: a bad row is reported as corrupt, never used.
//!
//! The reports issued to the board are in [`issued`].

pub mod issued;

use mieruka_domain::Timestamp;
use mieruka_domain::plan::FieldError;
use mieruka_domain::report::glossary::Term;
use mieruka_domain::report::narrative::{Ask, Checklist, KpiWording, Story};
use mieruka_domain::report::schedule::Schedule;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;

use crate::audit::Change;
use crate::ids::OrgId;
use crate::orgs::org_slug;
use crate::{Result, Store, StoreError};

/// The kinds of row, as stored in `report_settings.kind`.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Story,
    Ask,
    Checklist,
    KpiWording,
    Schedule,
    Glossary,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Story => "story",
            Kind::Ask => "ask",
            Kind::Checklist => "checklist",
            Kind::KpiWording => "kpi_wording",
            Kind::Schedule => "schedule",
            Kind::Glossary => "glossary",
        }
    }

    /// The audit log's entity name.
    fn entity(self) -> &'static str {
        match self {
            Kind::Story => "report_story",
            Kind::Ask => "report_ask",
            Kind::Checklist => "report_checklist",
            Kind::KpiWording => "report_kpi_wording",
            Kind::Schedule => "report_schedule",
            Kind::Glossary => "report_glossary_term",
        }
    }
}

fn invalid(e: FieldError) -> StoreError {
    StoreError::invalid(e.field, e.reason)
}

fn corrupt(kind: Kind, scope: &str, reason: impl ToString) -> StoreError {
    StoreError::Corrupt {
        what: format!("{} {scope}", kind.entity()),
        reason: reason.to_string(),
    }
}

/// Parses a stored value and checks it again.
fn decode<T: DeserializeOwned>(
    kind: Kind,
    scope: &str,
    text: &str,
    check: impl Fn(&T) -> Result<T, FieldError>,
) -> Result<T> {
    let v: T = serde_json::from_str(text).map_err(|e| corrupt(kind, scope, e))?;
    check(&v).map_err(|e| corrupt(kind, scope, e))
}

impl Store {
    /// Sets (adds or replaces) one value; a value set to what it already was writes nothing.
    async fn put_setting<T: Serialize>(
        &self,
        org: OrgId,
        kind: Kind,
        scope: &str,
        value: &T,
        now: Timestamp,
    ) -> Result<()> {
        let after: serde_json::Value = serde_json::to_value(value).expect("values serialise");
        let mut tx = self.begin_write().await?;
        let key = format!("{}/{}", org_slug(&mut tx, org).await?, scope);
        let sql = format!(
            "SELECT content FROM report_settings WHERE org_id = $1 AND kind = $2 AND scope = $3{}",
            self.for_update()
        );
        let before: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(kind.code())
            .bind(scope)
            .fetch_optional(&mut *tx)
            .await?;
        let before: Option<serde_json::Value> = before.and_then(|b| serde_json::from_str(&b).ok());
        if before.as_ref() == Some(&after) {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO report_settings (org_id, kind, scope, content, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (org_id, kind, scope) DO UPDATE SET content = excluded.content, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(org.0)
        .bind(kind.code())
        .bind(scope)
        .bind(after.to_string())
        .bind(self.actor())
        .bind(now.to_string())
        .execute(&mut *tx)
        .await?;
        let change = match before {
            None => Change::create(kind.entity(), key, Some(org), &after),
            Some(b) => Change::update(kind.entity(), key, Some(org), &b, &after),
        };
        self.commit_audited(tx, &[change]).await
    }

    /// One value's JSON, if set.
    async fn get_setting(&self, org: OrgId, kind: Kind, scope: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT content FROM report_settings WHERE org_id = $1 AND kind = $2 AND scope = $3",
        )
        .bind(org.0)
        .bind(kind.code())
        .bind(scope)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Every value of a kind, by scope.
    async fn list_settings(&self, org: OrgId, kind: Kind) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT scope, content FROM report_settings WHERE org_id = $1 AND kind = $2 \
             ORDER BY scope",
        )
        .bind(org.0)
        .bind(kind.code())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("scope")?, r.try_get("content")?)))
            .collect()
    }

    /// Removes one value, or `NotFound`.
    async fn remove_setting(&self, org: OrgId, kind: Kind, scope: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT content FROM report_settings WHERE org_id = $1 AND kind = $2 AND scope = $3{}",
            self.for_update()
        );
        let before: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(kind.code())
            .bind(scope)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(before) = before else {
            return Err(StoreError::NotFound {
                what: kind.entity(),
                key: scope.to_string(),
            });
        };
        sqlx::query("DELETE FROM report_settings WHERE org_id = $1 AND kind = $2 AND scope = $3")
            .bind(org.0)
            .bind(kind.code())
            .bind(scope)
            .execute(&mut *tx)
            .await?;
        let key = format!("{}/{}", org_slug(&mut tx, org).await?, scope);
        let before: serde_json::Value =
            serde_json::from_str(&before).unwrap_or(serde_json::Value::String(before));
        let change = Change::delete(kind.entity(), key, Some(org), &before);
        self.commit_audited(tx, &[change]).await
    }

    /// Sets the organisation's strategy story (Fig. 7).
    pub async fn set_story(&self, org: OrgId, story: &Story, now: Timestamp) -> Result<()> {
        let story = story.validate().map_err(invalid)?;
        self.put_setting(org, Kind::Story, "", &story, now).await
    }

    /// The organisation's strategy story, if written.
    pub async fn story(&self, org: OrgId) -> Result<Option<Story>> {
        self.get_setting(org, Kind::Story, "")
            .await?
            .map(|t| decode(Kind::Story, "", &t, Story::validate))
            .transpose()
    }

    /// Sets what the report for `period` asks of the board.
    pub async fn set_ask(&self, org: OrgId, period: &str, ask: &Ask, now: Timestamp) -> Result<()> {
        let ask = ask.validate().map_err(invalid)?;
        self.put_setting(org, Kind::Ask, period, &ask, now).await
    }

    /// What the report for `period` asks of the board (empty when nothing was written).
    pub async fn ask(&self, org: OrgId, period: &str) -> Result<Ask> {
        Ok(self
            .get_setting(org, Kind::Ask, period)
            .await?
            .map(|t| decode(Kind::Ask, period, &t, Ask::validate))
            .transpose()?
            .unwrap_or_default())
    }

    /// Sets the five-step checklist (Fig. 6) of `period`.
    pub async fn set_checklist(
        &self,
        org: OrgId,
        period: &str,
        checklist: &Checklist,
        now: Timestamp,
    ) -> Result<()> {
        let c = checklist.validate().map_err(invalid)?;
        self.put_setting(org, Kind::Checklist, period, &c, now)
            .await
    }

    /// The checklist of `period` (every step not done when nothing was recorded).
    pub async fn checklist(&self, org: OrgId, period: &str) -> Result<Checklist> {
        Ok(self
            .get_setting(org, Kind::Checklist, period)
            .await?
            .map(|t| decode(Kind::Checklist, period, &t, Checklist::validate))
            .transpose()?
            .unwrap_or_default())
    }

    /// Sets the board's wording of a KPI (by KPI id).
    pub async fn set_kpi_wording(
        &self,
        org: OrgId,
        kpi: &str,
        wording: &KpiWording,
        now: Timestamp,
    ) -> Result<()> {
        let w = wording.validate().map_err(invalid)?;
        if kpi.trim().is_empty() {
            return Err(StoreError::invalid("kpi", "is empty"));
        }
        self.put_setting(org, Kind::KpiWording, kpi, &w, now).await
    }

    /// The board's wording of each KPI that has one, by KPI id.
    pub async fn kpi_wordings(&self, org: OrgId) -> Result<Vec<(String, KpiWording)>> {
        self.list_settings(org, Kind::KpiWording)
            .await?
            .into_iter()
            .map(|(k, t)| {
                Ok((
                    k.clone(),
                    decode(Kind::KpiWording, &k, &t, KpiWording::validate)?,
                ))
            })
            .collect()
    }

    pub async fn remove_kpi_wording(&self, org: OrgId, kpi: &str) -> Result<()> {
        self.remove_setting(org, Kind::KpiWording, kpi).await
    }

    /// Sets the report schedule.
    pub async fn set_schedule(&self, org: OrgId, schedule: Schedule, now: Timestamp) -> Result<()> {
        let s = schedule.validate().map_err(invalid)?;
        self.put_setting(org, Kind::Schedule, "", &s, now).await
    }

    /// The report schedule (quarterly, due 30 days after the quarter, when never set).
    pub async fn schedule(&self, org: OrgId) -> Result<Schedule> {
        Ok(self
            .get_setting(org, Kind::Schedule, "")
            .await?
            .map(|t| decode(Kind::Schedule, "", &t, |s: &Schedule| s.validate()))
            .transpose()?
            .unwrap_or_default())
    }

    /// Adds or replaces one of the organisation's glossary terms.
    pub async fn set_glossary_term(&self, org: OrgId, term: &Term, now: Timestamp) -> Result<()> {
        let t = term.validate().map_err(invalid)?;
        let scope = t.term.to_lowercase();
        self.put_setting(org, Kind::Glossary, &scope, &t, now).await
    }

    /// The organisation's own glossary terms.
    pub async fn glossary_terms(&self, org: OrgId) -> Result<Vec<Term>> {
        self.list_settings(org, Kind::Glossary)
            .await?
            .into_iter()
            .map(|(k, t)| decode(Kind::Glossary, &k, &t, Term::validate))
            .collect()
    }

    pub async fn remove_glossary_term(&self, org: OrgId, term: &str) -> Result<()> {
        let scope = mieruka_domain::text::normalise(term).to_lowercase();
        self.remove_setting(org, Kind::Glossary, &scope).await
    }
}
