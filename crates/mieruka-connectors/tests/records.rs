//! The connectors for plain record exports: asset inventory, EDR agents against the inventory,
//! incident tickets and training completions. Figures worked out by hand, bad rows with line
//! numbers and reasons, the catalogue KPIs each feeds.

use mieruka_connectors::datetime::{Zone, parse_datetime};
use mieruka_connectors::figures::FigureValue;
use mieruka_connectors::{ColumnMap, ConnectorError, assets, coverage, incidents, training};

fn t(s: &str) -> i64 {
    parse_datetime(s.as_bytes(), &Zone::utc()).unwrap()
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("a value");
    assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} != {b}");
}

const INVENTORY: &str = "\
Asset ID,Kind,Department,In CMDB,Last Seen
pc-001,hardware,Finance,yes,2026-03-30T08:00:00Z
pc-002,Hardware,Finance,no,2026-03-29
PC-003,hardware,Finance,yes,2026-01-01
sv-001,hardware,IT,yes,2026-03-31T23:00:00+09:00
m-001,mobile,Finance,yes,
app-1,software,IT,yes,2026-03-31
app-2,software,IT,true,2026-03-15
s-1,cloud,IT,no,2026-03-31
x-1,printer,IT,yes,2026-03-31
pc-001,hardware,IT,yes,2026-03-31
pc-009,hardware,IT,maybe,2026-03-31
";

fn inventory_options() -> assets::Options {
    let mut o = assets::Options::new(t("2026-04-01T00:00:00Z"));
    for s in [
        "asset_id=Asset ID",
        "kind=Kind",
        "business_unit=Department",
        "in_cmdb=In CMDB",
        "last_seen=Last Seen",
    ] {
        o.columns.set(s).unwrap();
    }
    o
}

#[test]
fn inventory_shares_per_unit_and_kind() {
    let r = assets::analyse(INVENTORY.as_bytes(), "inv.csv", &inventory_options()).unwrap();
    assert_eq!(
        (r.tally.read, r.tally.accepted, r.tally.rejected),
        (11, 8, 3)
    );
    let bad: Vec<(u64, &str)> = r
        .tally
        .first_rejected
        .iter()
        .map(|b| (b.line, b.reason.as_str()))
        .collect();
    assert_eq!(
        bad,
        [
            (
                10,
                "unknown kind `printer` (hardware, software, mobile or cloud)"
            ),
            (11, "asset_id pc-001 appears twice"),
            (12, "in_cmdb: `maybe` is not yes or no"),
        ]
    );
    let g = |u: &str, k: assets::Kind| {
        r.groups
            .iter()
            .find(|g| g.business_unit == u && g.kind == k)
            .unwrap()
    };
    let fin = g("Finance", assets::Kind::Hardware);
    // in CMDB: pc-001, PC-003; seen within 30 days of 04-01: pc-001, pc-002 → managed: pc-001
    assert_eq!((fin.assets, fin.in_cmdb, fin.managed), (3, 2, Some(1)));
    close(Some(fin.inventoried_share), 2.0 / 3.0);
    let it = g("IT", assets::Kind::Hardware);
    assert_eq!(
        (it.assets, it.managed),
        (1, Some(1)),
        "23:00+09:00 on 03-31 is 14:00Z, recent"
    );
    assert_eq!(
        g("Finance", assets::Kind::Mobile).managed,
        Some(0),
        "never seen"
    );
    assert_eq!(g("IT", assets::Kind::Software).managed, Some(2));
    let f = r.figures();
    let kpis: Vec<(&str, &str)> = f
        .iter()
        .map(|f| (f.business_unit.as_deref().unwrap(), f.kpi))
        .collect();
    assert_eq!(
        kpis,
        [
            ("Finance", "1.1.1"),
            ("Finance", "US.1"),
            ("Finance", "1.1.3"),
            ("Finance", "US.4"),
            ("IT", "1.1.1"),
            ("IT", "US.1"),
            ("IT", "1.1.2"),
            ("IT", "US.2"),
            ("IT", "1.1.4"),
        ]
    );
    assert_eq!(
        f[0].value,
        FigureValue::Ratio {
            numerator: 2.0,
            denominator: 3.0
        }
    );
    // a mapped column that is missing is named with the file's name
    let mut o = inventory_options();
    o.columns.set("in_cmdb=Registered").unwrap();
    let e = assets::analyse(INVENTORY.as_bytes(), "inv.csv", &o).unwrap_err();
    assert_eq!(
        e.to_string(),
        "inv.csv: line 1 (header): missing column `Registered` (for in_cmdb)"
    );
}

#[test]
fn edr_coverage_against_the_inventory() {
    let mut agent_columns = ColumnMap::default();
    agent_columns.set("last_seen=Last Seen").unwrap();
    let agents = "Hostname,Last Seen\nPC-001,2026-03-31T10:00:00Z\npc-003,2025-12-01T00:00:00Z\nsv-001,2026-03-31\nlaptop-77,2026-03-31\n,2026-03-31\n";
    let r = coverage::analyse(
        agents.as_bytes(),
        "agents.csv",
        INVENTORY.as_bytes(),
        "inv.csv",
        &inventory_options(),
        &agent_columns,
    )
    .unwrap();
    assert_eq!(
        (r.tally.read, r.tally.accepted, r.tally.rejected),
        (5, 4, 1)
    );
    assert_eq!(r.tally.first_rejected[0].line, 6);
    assert_eq!(r.unknown_hosts, 1);
    let units: Vec<(&str, u64, u64)> = r
        .units
        .iter()
        .map(|u| (u.business_unit.as_str(), u.hardware_assets, u.covered))
        .collect();
    // Finance: pc-001 live, pc-002 no agent, PC-003's agent silent since December
    assert_eq!(units, [("Finance", 3, 1), ("IT", 1, 1)]);
    assert_eq!(
        r.figures()[0].value,
        FigureValue::Progress {
            actual: 1.0,
            plan: 3.0
        }
    );
}

#[test]
fn incident_times_effort_and_bad_rows() {
    let text = "\
incident_id,business_unit,intrusion_at,detected_at,contained_at,closed_at,effort_hours
I-1,Finance,2026-03-01T00:00:00Z,2026-03-01T10:00:00Z,2026-03-02T10:00:00Z,2026-03-05T00:00:00Z,12
I-2,Finance,,2026-03-03T00:00:00Z,2026-03-03T06:00:00Z,,4.5
I-3,Finance,2026-03-04T00:00:00Z,2026-03-04T20:00:00Z,,,
I-4,Finance,2026-03-05T00:00:00Z,2026-03-04T00:00:00Z,,,
I-5,IT,2026-03-05T00:00:00Z,soon,,,
I-6,IT,2026-03-05T00:00:00Z,2026-03-05T01:00:00Z,2026-03-05T02:00:00Z,,-3
";
    let r = incidents::analyse(text.as_bytes(), "inc.csv", &incidents::Options::default()).unwrap();
    assert_eq!(
        (r.tally.read, r.tally.accepted, r.tally.rejected),
        (6, 3, 3)
    );
    let reasons: Vec<(u64, &str)> = r
        .tally
        .first_rejected
        .iter()
        .map(|b| (b.line, b.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (5, "detected_at − intrusion_at: the end is before the start"),
            (
                6,
                "detected_at: `soon` is not a date-time like 2026-03-01T12:34:56Z"
            ),
            (7, "effort_hours: `-3` is not a number of hours from 0"),
        ]
    );
    let u = &r.units[0];
    assert_eq!(
        (
            u.incidents,
            u.detected_with_intrusion,
            u.contained,
            u.closed
        ),
        (3, 2, 2, 1)
    );
    close(u.mean_hours_to_detect, 15.0);
    close(u.p90_hours_to_detect, 10.0 + 0.9 * 10.0);
    close(u.mean_hours_to_contain, 15.0);
    close(u.mean_effort_hours, 8.25);
    close(u.mean_hours_to_close, 86.0);
    let f = r.figures();
    assert_eq!(f[0].kpi, "1.11.1");
    assert_eq!(
        f[1].value,
        FigureValue::MeanDuration {
            mean_hours: 15.0,
            events: 2,
            effort_hours: Some(8.25)
        }
    );
    let strict = incidents::Options {
        strict: true,
        ..Default::default()
    };
    let e = incidents::analyse(text.as_bytes(), "inc.csv", &strict).unwrap_err();
    assert!(matches!(e, ConnectorError::Rejected { line: 5, .. }), "{e}");
}

#[test]
fn training_completion_per_person() {
    let text = "\
person_id,business_unit,course,required,completed_at
e1,Finance,Security basics,yes,2026-03-01
e1,Finance,Phishing,yes,
e2,Finance,Security basics,yes,2026-03-02
e2,Finance,Optional extra,no,
e3,Sales,Security basics,,2026-03-03T10:00:00+09:00
E3,Sales,Phishing,yes,2026-03-04
e4,Sales,Security basics,yes,
e5,IT,Security basics,yes,last week
e1,Sales,Security basics,yes,2026-03-01
";
    let r = training::analyse(text.as_bytes(), "t.csv", &training::Options::default()).unwrap();
    assert_eq!(
        (
            r.tally.read,
            r.tally.accepted,
            r.tally.rejected,
            r.tally.skipped
        ),
        (9, 6, 2, 1)
    );
    assert_eq!(r.tally.first_rejected[0].line, 9);
    assert_eq!(
        r.tally.first_rejected[1].reason,
        "e1 is listed under business units Finance and Sales"
    );
    let units: Vec<(&str, u64, u64)> = r
        .units
        .iter()
        .map(|u| (u.business_unit.as_str(), u.people, u.completed))
        .collect();
    assert_eq!(units, [("Finance", 2, 1), ("Sales", 2, 1)]);
    let o = training::Options {
        course: Some("security basics".into()),
        ..Default::default()
    };
    let r = training::analyse(text.as_bytes(), "t.csv", &o).unwrap();
    let units: Vec<(&str, u64, u64)> = r
        .units
        .iter()
        .map(|u| (u.business_unit.as_str(), u.people, u.completed))
        .collect();
    assert_eq!(units, [("Finance", 2, 2), ("Sales", 2, 1)]);
    let kpis: Vec<&str> = r.figures().iter().map(|f| f.kpi).collect();
    assert_eq!(kpis, ["M.2.1", "X.3.1", "M.2.1", "X.3.1"]);
}
