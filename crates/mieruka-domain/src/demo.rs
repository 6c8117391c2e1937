//! The demo company: the report's worked example, an air-conditioning maker with annual revenue
//! of 100 billion yen (年商1000億円), three departments and one overseas subsidiary, at the
//! improving stage, running the four KPIs of Fig. 9 and one from the appendix.
//!
//! Pure data built from "today", so the demo always looks current: its history ends on the day
//! it is created, one plan has reached its target, others are on track, behind and off track
//! whatever the date, and the previous half-year gives a comparison.

use crate::catalogue::RawKpi;
use crate::date::Date;
use crate::kpi::{KpiDefinition, Maturity};
use crate::loss::{CostItem, DataKind, Effect, FineRegime, LossInputs, LossLever};
use crate::org::{Organisation, Unit, UnitFacts, UnitKind};
use crate::period::Period;
use crate::plan::{
    Agreement, LossCategory, MeasuredValue, PlanContent, PlanState, PlanTarget, Purpose,
};

fn effect(lever: LossLever, to: f64) -> Effect {
    Effect { lever, to }
}

/// The demo's loss inputs: the worked example of Fig. 2. About 1.33 million customers' names,
/// addresses and contact details (6,000円 each: 500 × 2 × 6 × 1 × 1), five days of outage on
/// 100 billion yen of revenue, the GDPR fine, and 100 million yen of response costs.
pub fn loss_inputs() -> LossInputs {
    LossInputs {
        people_held: 1_333_334.0,
        data_kinds: vec![DataKind {
            name: "会員の氏名・住所・生年月日・電話番号・メールアドレス".into(),
            distress: 1,
            economic: 1,
        }],
        identifiability: 6.0,
        outage_days: 5.0,
        fine: FineRegime::Gdpr {
            share_of_revenue: 0.04,
            floor_eur: 20_000_000.0,
            eur_jpy: 130.0,
        },
        response_items: vec![
            CostItem {
                name: "フォレンジック調査".into(),
                yen: 40_000_000.0,
            },
            CostItem {
                name: "コールセンター".into(),
                yen: 25_000_000.0,
            },
            CostItem {
                name: "お詫び・通知".into(),
                yen: 20_000_000.0,
            },
            CostItem {
                name: "弁護士・広報".into(),
                yen: 15_000_000.0,
            },
        ],
        net_profit_yen: Some(4_000_000_000.0),
        market_value_yen: Some(80_000_000_000.0),
        ..LossInputs::template()
    }
}

/// The demo organisation's code.
pub const SLUG: &str = "demo";
/// Who the demo's plans were agreed with.
pub const APPROVER: &str = "代表取締役社長";
/// Who recorded the demo's numbers.
pub const RECORDER: &str = "demo";

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

/// The company's own KPI of Fig. 9 (PC端末の監視強化プロジェクト進捗率).
pub fn own_kpis() -> Vec<KpiDefinition> {
    let raw: RawKpi = toml::from_str(
        r#"
        id = "own.pc-monitoring"
        source = "own"
        name = { ja = "PC端末の監視強化プロジェクト進捗率", en = "PC monitoring project progress" }
        measure_kind = "organisation"
        maturity = "improving"
        direction = "higher_is_better"
        measure_type = "implementation"
        frequency = "monthly"
        data_source = { ja = "プロジェクト管理表", en = "Project tracker" }
        related = []
        formula = { kind = "progress", actual = { ja = "実績値", en = "Actual" }, plan = { ja = "計画値", en = "Plan" } }
        targets = [{ rule = "at_least", value = 100, unit = "percent" }]
        "#,
    )
    .expect("the demo's own KPI parses");
    vec![raw.validate().expect("the demo's own KPI is valid")]
}

/// A plan of the demo with its history.
#[derive(Debug, Clone)]
pub struct DemoPlan {
    pub kpi: &'static str,
    pub period: Period,
    pub content: PlanContent,
    pub state: PlanState,
    /// Unit code, date, value: the measurements in force.
    pub measurements: Vec<(&'static str, Date, MeasuredValue)>,
}

/// The dates a history is reported on: each month's end after `start` and before `until`, then
/// `until` itself.
fn report_dates(start: Date, until: Date) -> Vec<Date> {
    let mut dates = Vec::new();
    let mut month_end = start.end_of_month();
    while month_end < until {
        dates.push(month_end);
        month_end = month_end.add_days(1).end_of_month();
    }
    dates.push(until);
    dates
}

fn ratio(numerator: f64, denominator: f64) -> MeasuredValue {
    MeasuredValue::Ratio {
        numerator,
        denominator,
    }
}

/// Rounds to one decimal, as people report progress.
fn tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The demo's plans for the half-year containing `today` (and one closed plan of the half
/// before it), with histories ending on `today`.
pub fn plans(today: Date) -> Vec<DemoPlan> {
    let org = organisation();
    let half = Period::half_containing(today, org.fiscal_start_month);
    let previous = Period::half_containing(half.start.add_days(-1), org.fiscal_start_month);
    let start = half.start;
    let six_months = start.first_of_month_plus(6).add_days(-1);
    let twelve_months = start.first_of_month_plus(12).add_days(-1);
    let agreed = Agreement {
        by: APPROVER.into(),
        on: start.add_days(6).min(today),
    };
    // Share of the way from the half's start to a deadline, at a date.
    let elapsed =
        |d: Date, deadline: Date| start.days_until(d) as f64 / start.days_until(deadline) as f64;
    let dates = report_dates(start, today);
    let content = |target: f64,
                   deadline,
                   text: &str,
                   reduces: Vec<LossCategory>,
                   effects: Vec<Effect>,
                   units: &[&str]| {
        PlanContent {
            targets: vec![PlanTarget {
                part: None,
                value: target,
            }],
            baseline: None,
            deadline,
            trajectory: Vec::new(),
            purpose: Purpose {
                text: text.into(),
                reduces,
                effects,
            },
            units: units.iter().map(|u| u.to_string()).collect(),
            owner: "CISO".into(),
            agreement: Some(agreed.clone()),
        }
    };

    // 1. Anonymising personal data: 100% in six months, kept just ahead of plan (on track).
    let anonymisation = DemoPlan {
        kpi: "1.2.2",
        period: half.clone(),
        content: content(
            100.0,
            six_months,
            "個人情報を匿名化し、盗まれても本人を特定しにくくして情報盗難時の被害額を減らす",
            vec![LossCategory::Theft],
            vec![effect(LossLever::Identifiability, 3.0)],
            &["support"],
        ),
        state: PlanState::Agreed,
        measurements: dates
            .iter()
            .map(|&d| {
                (
                    "support",
                    d,
                    ratio(
                        tenth((100.0 * elapsed(d, six_months) * 1.04).min(98.5)),
                        100.0,
                    ),
                )
            })
            .collect(),
    };

    // 2. One exercise and its review in each main department within six months (behind: the
    //    security department is ahead, manufacturing and support lag).
    let exercise_units = ["security", "manufacturing", "support"];
    let exercises = DemoPlan {
        kpi: "1.10.2",
        period: half.clone(),
        content: content(
            100.0,
            six_months,
            "主要部門で演習と振り返りを行い、事故時に事業へ影響する時間を短くする",
            vec![LossCategory::Interruption],
            vec![effect(LossLever::OutageDays, 4.5)],
            &exercise_units,
        ),
        state: PlanState::Agreed,
        measurements: dates
            .iter()
            .flat_map(|&d| {
                // Progress in % of each department's exercise-and-review; together 87% of plan.
                let planned = 100.0 * elapsed(d, six_months);
                let security = (planned * 1.5).min(100.0);
                let manufacturing = planned * 0.7;
                let support = (3.0 * 0.87 * planned - security - manufacturing).clamp(0.0, 100.0);
                [
                    ("security", d, ratio(tenth(security), 100.0)),
                    ("manufacturing", d, ratio(tenth(manufacturing), 100.0)),
                    ("support", d, ratio(tenth(support), 100.0)),
                ]
            })
            .collect(),
    };

    // 3. Security staff able to respond to incidents: train three people in six months.
    let trained = DemoPlan {
        kpi: "1.4.2",
        period: half.clone(),
        content: content(
            3.0,
            six_months,
            "事故対応ができるセキュリティ部員を育成し、事業影響の時間と対応費用を減らす",
            vec![LossCategory::Interruption, LossCategory::Response],
            vec![
                effect(LossLever::OutageDays, 4.75),
                effect(LossLever::ResponseCostFactor, 0.6),
            ],
            &["security"],
        ),
        state: PlanState::Agreed,
        measurements: dates
            .iter()
            .map(|&d| {
                (
                    "security",
                    d,
                    MeasuredValue::Count {
                        value: (3.0 * elapsed(d, six_months)).ceil().min(3.0),
                    },
                )
            })
            .collect(),
    };

    // 4. The company's own KPI: PC monitoring, 100% in twelve months (off track: 60% of plan).
    let monitoring = DemoPlan {
        kpi: "own.pc-monitoring",
        period: half.clone(),
        content: content(
            100.0,
            twelve_months,
            "PC端末の監視を強化し、事故後に事業へ影響する時間を短くする",
            vec![LossCategory::Interruption],
            vec![effect(LossLever::OutageDays, 4.75)],
            &["hq"],
        ),
        state: PlanState::Agreed,
        measurements: dates
            .iter()
            .map(|&d| {
                (
                    "hq",
                    d,
                    ratio(tenth(100.0 * elapsed(d, twelve_months) * 0.6), 100.0),
                )
            })
            .collect(),
    };

    // 5. Hardware asset inventory, 95%: already reached in every unit (achieved), after 88% at
    //    the end of the previous half.
    let inventory_units = ["security", "manufacturing", "support", "us"];
    let assets = [40.0, 1_200.0, 300.0, 260.0];
    let inventory_at = |share: f64| -> Vec<(&'static str, MeasuredValue)> {
        inventory_units
            .iter()
            .zip(assets)
            .map(|(&u, n)| (u, ratio((n * share).round(), n)))
            .collect()
    };
    let inventory = DemoPlan {
        kpi: "1.1.1",
        period: half.clone(),
        content: content(
            95.0,
            half.end,
            "管理できていない機器をなくし、侵入の入口と被害の範囲を小さくする",
            vec![LossCategory::Theft, LossCategory::Interruption],
            Vec::new(),
            &inventory_units,
        ),
        state: PlanState::Agreed,
        measurements: dates
            .iter()
            .enumerate()
            .flat_map(|(i, &d)| {
                let share = if i + 1 == dates.len() {
                    0.97
                } else {
                    0.90 + 0.02 * i as f64
                };
                inventory_at(share.min(0.97))
                    .into_iter()
                    .map(move |(u, v)| (u, d, v))
            })
            .collect(),
    };
    let inventory_before = DemoPlan {
        kpi: "1.1.1",
        period: previous.clone(),
        content: PlanContent {
            agreement: Some(Agreement {
                by: APPROVER.into(),
                on: previous.start.add_days(6),
            }),
            deadline: previous.end,
            ..inventory.content.clone()
        },
        state: PlanState::Closed,
        measurements: report_dates(previous.start, previous.end)
            .into_iter()
            .enumerate()
            .flat_map(|(i, d)| {
                inventory_at(0.70 + 0.03 * i as f64)
                    .into_iter()
                    .map(move |(u, v)| (u, d, v))
            })
            .collect(),
    };
    vec![
        inventory_before,
        inventory,
        anonymisation,
        exercises,
        trained,
        monitoring,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Catalogue;
    use crate::evaluation::{Status, evaluate};
    use crate::plan::Observation;

    /// Fig. 2: 141億円 now, 96.6億円 once the KPIs are met, each category within 0.1%.
    #[test]
    fn the_demo_reproduces_figure_2() {
        use crate::loss::{CompanyFacts, PlanLever, report};
        let facts = CompanyFacts {
            annual_revenue_yen: Some(1e11),
        };
        let inputs = loss_inputs().validate().unwrap();
        let levers: Vec<PlanLever> = plans(Date::parse("2026-11-26").unwrap())
            .into_iter()
            .filter(|p| p.state != PlanState::Closed)
            .map(|p| PlanLever {
                key: p.kpi.into(),
                effects: p.content.purpose.effects.clone(),
                achievement: Some(0.3),
            })
            .collect();
        let r = report(&inputs, facts, &levers).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() / b < 0.001;
        let oku = 1e8;
        for (cat, now, after) in [
            (LossCategory::Theft, 80.0, 40.0),
            (LossCategory::Interruption, 20.0, 16.0),
            (LossCategory::Fine, 40.0, 40.0),
            (LossCategory::Response, 1.0, 0.6),
        ] {
            assert!(
                close(r.now.amount(cat), now * oku),
                "{cat} now {}",
                r.now.amount(cat)
            );
            assert!(
                close(r.after.amount(cat), after * oku),
                "{cat} after {}",
                r.after.amount(cat)
            );
        }
        assert!(close(r.now.total_yen, 141.0 * oku), "{}", r.now.total_yen);
        assert!(
            close(r.after.total_yen, 96.6 * oku),
            "{}",
            r.after.total_yen
        );
        assert!(r.today.total_yen < r.now.total_yen && r.today.total_yen > r.after.total_yen);
        let anonymisation = r.plans.iter().find(|p| p.key == "1.2.2").unwrap();
        assert!(close(anonymisation.reduction_at_target_yen, 40.0 * oku));
    }

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

    /// Whatever day the demo is created on (after the first weeks of a half), its plans are
    /// valid, their measurements fit, and the statuses tell a story: achieved, on track, behind.
    #[test]
    fn the_demo_tells_the_same_story_on_any_day() {
        let cat = Catalogue::builtin().unwrap();
        let own = own_kpis();
        let kpi = |id: &str| {
            cat.get(id)
                .or_else(|| own.iter().find(|d| d.id.as_str() == id))
                .unwrap()
                .clone()
        };
        let mut day = Date::parse("2026-04-01").unwrap();
        while day < Date::parse("2028-04-01").unwrap() {
            let half = Period::half_containing(day, 4);
            if half.start.days_until(day) >= 20 {
                let mut statuses = std::collections::HashMap::new();
                for p in plans(day) {
                    let def = kpi(p.kpi);
                    let content = p.content.clone().validate(&def, &p.period).unwrap();
                    let obs: Vec<Observation> = p
                        .measurements
                        .iter()
                        .map(|&(u, d, v)| {
                            v.validate(&def, None).unwrap();
                            crate::plan::check_scope(&content, &p.period, u, d).unwrap();
                            Observation {
                                unit: u.into(),
                                date: d,
                                part: None,
                                value: v,
                            }
                        })
                        .collect();
                    assert!(obs.iter().all(|o| o.date <= day));
                    if p.period == half {
                        let e = evaluate(&def, &content, &p.period, &obs, day, None);
                        statuses.insert(p.kpi, e.status);
                    }
                }
                assert_eq!(statuses["1.1.1"], Status::Achieved, "{day}");
                assert_eq!(statuses["1.2.2"], Status::OnTrack, "{day}");
                assert_eq!(statuses["1.10.2"], Status::Behind, "{day}");
                assert_eq!(statuses["own.pc-monitoring"], Status::OffTrack, "{day}");
            }
            day = day.add_days(3);
        }
    }
}
