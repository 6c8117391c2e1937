//! Evaluation rules: worked examples and properties that hold for any input.

use mieruka_domain::evaluation::{
    BEHIND_AT, ON_TRACK_AT, Status, achievement, evaluate, planned_at,
};
use mieruka_domain::period::Period;
use mieruka_domain::plan::{MeasuredValue, Observation, PlanContent, PlanTarget, Purpose};
use mieruka_domain::{Catalogue, Date, Direction, KpiDefinition};
use proptest::prelude::*;

fn kpi(id: &str) -> KpiDefinition {
    Catalogue::builtin().unwrap().get(id).unwrap().clone()
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn half() -> Period {
    Period::parse("FY2026-H2", 4).unwrap()
}

fn plan(target: f64, units: &[&str]) -> PlanContent {
    PlanContent {
        targets: vec![PlanTarget {
            part: None,
            value: target,
        }],
        baseline: None,
        deadline: date("2027-03-31"),
        trajectory: Vec::new(),
        purpose: Purpose {
            text: "test".into(),
            reduces: Vec::new(),
            effects: Vec::new(),
        },
        units: units.iter().map(|u| u.to_string()).collect(),
        owner: "ciso".into(),
        agreement: None,
    }
}

fn ratio(unit: &str, on: &str, n: f64, d: f64) -> Observation {
    Observation {
        unit: unit.into(),
        date: date(on),
        part: None,
        value: MeasuredValue::Ratio {
            numerator: n,
            denominator: d,
        },
    }
}

#[test]
fn status_thresholds_against_the_plan() {
    // Linear plan 0 → 100% over 2026-10-01 … 2027-03-31 (181 days); at 2026-12-31 (91 days) the
    // plan is 100 × 91/181.
    let k = kpi("1.2.2");
    let p = plan(100.0, &["a"]);
    let planned = 100.0 * 91.0 / 181.0;
    let status_at = |actual: f64| {
        let obs = [ratio("a", "2026-12-31", actual, 100.0)];
        evaluate(&k, &p, &half(), &obs, date("2026-12-31"), None).status
    };
    assert_eq!(status_at(planned * 0.96), Status::OnTrack);
    assert_eq!(status_at(planned * 0.90), Status::Behind);
    assert_eq!(status_at(planned * 0.79), Status::OffTrack);
    assert_eq!(status_at(100.0), Status::Achieved);
    let none = evaluate(&k, &p, &half(), &[], date("2026-12-31"), None);
    assert_eq!((none.status, none.achievement), (Status::NoData, None));
    // Past the deadline without the target: off track, whatever the plan said.
    let late = evaluate(
        &k,
        &p,
        &half(),
        &[ratio("a", "2027-03-31", 99.0, 100.0)],
        date("2027-04-01"),
        None,
    );
    assert_eq!(late.status, Status::OffTrack);
}

#[test]
fn forecast_extends_the_trend_to_the_deadline() {
    let k = kpi("1.2.2");
    let p = plan(100.0, &["a"]);
    // 10 points a month from 0 on 2026-10-01: 2026-10-31 → 10, 2026-11-30 → 20.
    let obs = [
        ratio("a", "2026-10-31", 10.0, 100.0),
        ratio("a", "2026-11-30", 20.0, 100.0),
    ];
    let e = evaluate(&k, &p, &half(), &obs, date("2026-12-01"), None);
    let f = e.parts[0].forecast.unwrap();
    // 10 per 30 days, 121 more days from 2026-11-30 to 2027-03-31.
    assert!((f - (20.0 + 10.0 * 121.0 / 30.0)).abs() < 1e-9, "{f}");
}

#[test]
fn change_against_the_previous_period() {
    let k = kpi("1.1.1");
    let p = plan(95.0, &["a"]);
    let e = evaluate(
        &k,
        &p,
        &half(),
        &[ratio("a", "2026-11-01", 90.0, 100.0)],
        date("2026-11-02"),
        Some(80.0),
    );
    assert_eq!(e.change, Some(10.0));
}

#[test]
fn entered_monthly_plan_is_followed() {
    let k = kpi("1.2.2");
    let mut p = plan(100.0, &["a"]);
    p.trajectory = vec![
        mieruka_domain::plan::TrajectoryPoint {
            month: "2026-10".into(),
            value: 50.0,
        },
        mieruka_domain::plan::TrajectoryPoint {
            month: "2027-03".into(),
            value: 100.0,
        },
    ];
    // At the end of October the plan is 50%: 45% is behind (90%), not on track.
    let e = evaluate(
        &k,
        &p,
        &half(),
        &[ratio("a", "2026-10-31", 45.0, 100.0)],
        date("2026-10-31"),
        None,
    );
    assert_eq!(e.parts[0].planned, Some(50.0));
    assert_eq!(e.status, Status::Behind);
}

proptest! {
    /// Roll-up adds numerators and denominators, whatever the order of units, and the result
    /// lies between the smallest and largest unit ratio.
    #[test]
    fn roll_up_never_averages_percentages(values in prop::collection::vec((0u32..1000, 1u32..1000), 1..8)) {
        let k = kpi("1.1.1");
        let units: Vec<String> = (0..values.len()).map(|i| format!("u{i}")).collect();
        let refs: Vec<&str> = units.iter().map(String::as_str).collect();
        let p = plan(95.0, &refs);
        let obs: Vec<Observation> = values
            .iter()
            .zip(&units)
            .map(|(&(n, d), u)| ratio(u, "2026-11-01", f64::from(n.min(d)), f64::from(d)))
            .collect();
        let e = evaluate(&k, &p, &half(), &obs, date("2026-11-02"), None);
        let num: f64 = values.iter().map(|&(n, d)| f64::from(n.min(d))).sum();
        let den: f64 = values.iter().map(|&(_, d)| f64::from(d)).sum();
        let actual = e.parts[0].actual.unwrap();
        prop_assert!((actual - 100.0 * num / den).abs() < 1e-9);
        let mut reversed = obs.clone();
        reversed.reverse();
        let again = evaluate(&k, &p, &half(), &reversed, date("2026-11-02"), None);
        prop_assert_eq!(again.parts[0].actual, Some(actual));
        let shares: Vec<f64> = values.iter().map(|&(n, d)| 100.0 * f64::from(n.min(d)) / f64::from(d)).collect();
        let lo = shares.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = shares.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(actual >= lo - 1e-9 && actual <= hi + 1e-9);
    }

    /// Better actuals never lower the achievement rate, in either direction.
    #[test]
    fn achievement_is_monotone(a in 0.0f64..1000.0, b in 0.0f64..1000.0, target in 0.1f64..500.0) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(achievement(hi, target, Direction::HigherIsBetter) >= achievement(lo, target, Direction::HigherIsBetter));
        prop_assert!(achievement(lo, target, Direction::LowerIsBetter) >= achievement(hi, target, Direction::LowerIsBetter));
        prop_assert!(achievement(lo, target, Direction::LowerIsBetter) <= 2.0);
    }

    /// Status is `achieved` exactly when the achievement rate reaches 100%, and otherwise follows
    /// the documented thresholds against the plan.
    #[test]
    fn status_matches_its_definition(n in 0u32..=100, day in 1i64..180) {
        let k = kpi("1.2.2");
        let p = plan(100.0, &["a"]);
        let on = half().start.add_days(day);
        let obs = [Observation { unit: "a".into(), date: on, part: None, value: MeasuredValue::Ratio { numerator: f64::from(n), denominator: 100.0 } }];
        let e = evaluate(&k, &p, &half(), &obs, on, None);
        let a = e.achievement.unwrap();
        let planned = planned_at(on, half().start, 0.0, &[(p.deadline, 100.0)]);
        let vs_plan = f64::from(n) / planned;
        let expected = if a >= 1.0 {
            Status::Achieved
        } else if vs_plan >= ON_TRACK_AT {
            Status::OnTrack
        } else if vs_plan >= BEHIND_AT {
            Status::Behind
        } else {
            Status::OffTrack
        };
        prop_assert_eq!(e.status, expected);
    }

    /// The linear plan stays between the baseline and the target.
    #[test]
    fn planned_values_stay_between_baseline_and_target(day in -30i64..400, baseline in 0.0f64..100.0, target in 0.0f64..100.0) {
        let start = half().start;
        let v = planned_at(start.add_days(day), start, baseline, &[(date("2027-03-31"), target)]);
        prop_assert!(v >= baseline.min(target) - 1e-9 && v <= baseline.max(target) + 1e-9);
    }
}
