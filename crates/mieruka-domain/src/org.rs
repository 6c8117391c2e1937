//! Organisations (組織) and their units: the company, group companies and departments.

use serde::{Deserialize, Serialize};

use crate::kpi::Maturity;
use crate::period::check_start_month;
use crate::text::normalise;
use crate::time::Zone;
use crate::vocab::vocabulary;

vocabulary! {
    /// What a unit of an organisation is.
    UnitKind, "unit kind" {
        Company => "company", "本社", "Company";
        Subsidiary => "subsidiary", "子会社", "Subsidiary";
        OverseasSubsidiary => "overseas_subsidiary", "海外現地法人", "Overseas subsidiary";
        Department => "department", "部門", "Department";
    }
}

/// A short name things are addressed by on the command line and in URLs: an organisation
/// (`demo`), a unit (`security`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Code(String);

impl Code {
    /// 1–40 characters of `a–z 0–9 -`, starting with a letter. `what` names it in the error.
    pub fn parse(what: &str, s: &str) -> Result<Code, String> {
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Code(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is not a valid {what} (1–40 of a–z, 0–9 and -, starting with a letter)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A display name: NFKC-normalised, trimmed, 1–200 characters, without control or bidirectional
/// formatting characters (`text::check_name`).
pub fn parse_name(field: &str, s: &str) -> Result<String, String> {
    let n = normalise(s);
    crate::text::check_name(&n).map_err(|e| format!("{field} {e}"))?;
    match n.chars().count() {
        0 => Err(format!("{field} is empty")),
        201.. => Err(format!("{field} is longer than 200 characters")),
        _ => Ok(n),
    }
}

/// An organisation whose cybersecurity is run by KPIs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organisation {
    pub slug: Code,
    pub name: String,
    pub maturity: Maturity,
    /// Month (1–12) the fiscal year starts in; April in most Japanese companies.
    pub fiscal_start_month: u8,
    /// Where the organisation's times written without a zone were written (exports of its
    /// tools, its people's entries): Asia/Tokyo unless it sets another.
    pub time_zone: Zone,
}

impl Organisation {
    /// The date it is at `now` where the organisation is (in its time zone): what "today" means
    /// for its defaults — the period a command is about, the day a measurement is for, the day an
    /// evaluation is as of.
    pub fn today(&self, now: crate::Timestamp) -> crate::Date {
        self.time_zone.date_of(now)
    }

    pub fn new(
        slug: &str,
        name: &str,
        maturity: Maturity,
        fiscal_start_month: u32,
    ) -> Result<Organisation, String> {
        Ok(Organisation {
            slug: Code::parse("organisation code", slug)?,
            name: parse_name("name", name)?,
            maturity,
            fiscal_start_month: check_start_month(fiscal_start_month)?,
            time_zone: Zone::default(),
        })
    }

    /// The same organisation counting times without a zone in `time_zone`.
    pub fn with_time_zone(self, time_zone: Zone) -> Organisation {
        Organisation { time_zone, ..self }
    }
}

/// The facts about a unit that KPIs and losses are computed from. Unknown facts stay `None`
/// (null in JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitFacts {
    /// People employed.
    pub employees: Option<i64>,
    /// People working in IT.
    pub it_staff: Option<i64>,
    /// People working in security.
    pub security_staff: Option<i64>,
    /// Annual revenue in yen.
    pub annual_revenue_yen: Option<i64>,
    /// Annual IT budget in yen.
    pub it_budget_yen: Option<i64>,
    /// Annual security budget in yen.
    pub security_budget_yen: Option<i64>,
    /// The industry, in words.
    pub industry: Option<String>,
}

impl UnitFacts {
    /// Rejects negative counts and amounts, naming the field.
    pub fn check(&self) -> Result<(), String> {
        let fields = [
            ("employees", self.employees),
            ("it_staff", self.it_staff),
            ("security_staff", self.security_staff),
            ("annual_revenue_yen", self.annual_revenue_yen),
            ("it_budget_yen", self.it_budget_yen),
            ("security_budget_yen", self.security_budget_yen),
        ];
        for (name, v) in fields {
            if let Some(v) = v
                && v < 0
            {
                return Err(format!("{name} is negative ({v})"));
            }
        }
        Ok(())
    }
}

/// A unit of an organisation, validated: the company itself, a group company or a department.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unit {
    pub code: Code,
    pub name: String,
    pub kind: UnitKind,
    /// A group company's own stage, when it differs from the organisation's.
    pub maturity: Option<Maturity>,
    pub facts: UnitFacts,
}

impl Unit {
    pub fn new(
        code: &str,
        name: &str,
        kind: UnitKind,
        maturity: Option<Maturity>,
        facts: UnitFacts,
    ) -> Result<Unit, String> {
        facts.check()?;
        Ok(Unit {
            code: Code::parse("unit code", code)?,
            name: parse_name("name", name)?,
            kind,
            maturity,
            facts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-31 20:00 UTC is already 1 April in Tokyo: the new fiscal year has begun there.
    #[test]
    fn today_is_the_date_where_the_organisation_is() {
        let at = crate::time::parse_instant(b"2026-03-31T20:00:00Z", &Zone::utc()).unwrap();
        let now = crate::Timestamp::from_unix_seconds(at);
        let tokyo = Organisation::new("acme", "Acme", Maturity::Initial, 4).unwrap();
        assert_eq!(tokyo.today(now).to_string(), "2026-04-01");
        let london = tokyo.with_time_zone(Zone::parse("Europe/London").unwrap());
        assert_eq!(london.today(now).to_string(), "2026-03-31");
    }

    #[test]
    fn codes() {
        assert!(Code::parse("unit code", "demo").is_ok());
        assert!(Code::parse("unit code", "acme-2").is_ok());
        for bad in ["", "Demo", "2acme", "a b", "デモ"] {
            let e = Code::parse("unit code", bad).unwrap_err();
            assert!(e.contains("unit code"), "{e}");
        }
    }

    #[test]
    fn organisation_validates_every_field() {
        let o = Organisation::new("demo", " 空調メーカー ", Maturity::Improving, 4).unwrap();
        assert_eq!(o.name, "空調メーカー");
        assert!(
            Organisation::new("demo", "  ", Maturity::Initial, 4)
                .unwrap_err()
                .contains("name")
        );
        assert!(
            Organisation::new("demo", "x", Maturity::Initial, 13)
                .unwrap_err()
                .contains("13")
        );
    }

    #[test]
    fn facts_reject_negatives() {
        let f = UnitFacts {
            it_staff: Some(-1),
            ..UnitFacts::default()
        };
        assert_eq!(f.check().unwrap_err(), "it_staff is negative (-1)");
    }
}
