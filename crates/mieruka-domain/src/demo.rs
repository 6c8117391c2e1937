//! The demo company: the report's worked example, an air-conditioning maker with annual revenue
//! of 100 billion yen (年商1000億円), three departments and one overseas subsidiary.
//!
//! Pure data built from parameters, so the demo can be recreated anywhere and tested.

use crate::kpi::Maturity;
use crate::org::{Organisation, Unit, UnitFacts, UnitKind};

/// The demo organisation's code.
pub const SLUG: &str = "demo";

/// The demo organisation.
pub fn organisation() -> Organisation {
    Organisation::new(SLUG, "サンプル空調株式会社", Maturity::Improving, 4)
        .expect("valid demo organisation")
}

/// The demo's units, each with the code of its parent (`None` for the company itself).
/// Parents come before their children.
pub fn units() -> Vec<(Option<&'static str>, Unit)> {
    let facts = |employees, it_staff, security_staff| UnitFacts {
        employees: Some(employees),
        it_staff: Some(it_staff),
        security_staff: Some(security_staff),
        ..UnitFacts::default()
    };
    let company = UnitFacts {
        annual_revenue_yen: Some(100_000_000_000),
        it_budget_yen: Some(1_500_000_000),
        security_budget_yen: Some(90_000_000),
        industry: Some("製造業（空調機器）".into()),
        ..facts(3_000, 120, 6)
    };
    let unit = |code, name, kind, facts| {
        Unit::new(code, name, kind, None, facts).expect("valid demo unit")
    };
    vec![
        (None, unit("hq", "本社", UnitKind::Company, company)),
        (
            Some("hq"),
            unit(
                "security",
                "セキュリティ部門",
                UnitKind::Department,
                facts(12, 10, 6),
            ),
        ),
        (
            Some("hq"),
            unit(
                "manufacturing",
                "製造部門",
                UnitKind::Department,
                facts(1_800, 30, 0),
            ),
        ),
        (
            Some("hq"),
            unit(
                "support",
                "顧客サポート部門",
                UnitKind::Department,
                facts(400, 15, 0),
            ),
        ),
        (
            Some("hq"),
            unit(
                "us",
                "米国現地法人",
                UnitKind::OverseasSubsidiary,
                facts(350, 12, 1),
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_first_and_codes_are_unique() {
        let units = units();
        let mut seen = std::collections::HashSet::new();
        for (parent, u) in &units {
            if let Some(p) = parent {
                assert!(seen.contains(p), "{} before its parent {p}", u.code);
            }
            assert!(seen.insert(u.code.as_str()), "{}", u.code);
        }
        let departments = units
            .iter()
            .filter(|(_, u)| u.kind == UnitKind::Department)
            .count();
        assert_eq!(departments, 3);
        assert_eq!(units[0].1.facts.annual_revenue_yen, Some(100_000_000_000));
    }
}
