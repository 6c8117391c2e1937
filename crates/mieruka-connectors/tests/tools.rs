//! The connectors for other tools' exports, on samples written in each tool's own format
//! (`tests/samples/`): GoPhish results CSV, DefectDojo's findings API answer, OpenSCAP XCCDF
//! results. Figures are worked out by hand; bad rows come back with their line and reason.

use std::collections::HashSet;
use std::path::PathBuf;

use mieruka_connectors::datetime::Zone;
use mieruka_connectors::figures::FigureValue;
use mieruka_connectors::vulns::{self, Severity};
use mieruka_connectors::{ColumnMap, ConnectorError, defectdojo, gophish, openscap};

fn sample(name: &str) -> std::fs::File {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/samples")
        .join(name);
    std::fs::File::open(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("a value");
    assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} != {b}");
}

#[test]
fn gophish_rates_for_the_whole_campaign_and_the_retest() {
    let o = gophish::Options::default();
    let previous =
        gophish::failed_before(sample("gophish_previous.csv"), "previous.csv", &o).unwrap();
    let expected: HashSet<String> = [
        "ueda@example.jp",
        "oda@example.jp",
        "kato@example.jp",
        "sato@example.jp",
    ]
    .map(String::from)
    .into();
    assert_eq!(previous.0, expected);
    let r = gophish::analyse(
        sample("gophish_results.csv"),
        "results.csv",
        &o,
        Some(previous),
    )
    .unwrap();
    assert_eq!(
        (r.tally.read, r.tally.accepted, r.tally.rejected),
        (8, 8, 0)
    );
    assert_eq!(r.units.len(), 1);
    let u = &r.units[0];
    assert_eq!(u.business_unit, None);
    assert_eq!(
        (
            u.targets,
            u.sent,
            u.opened,
            u.clicked,
            u.submitted,
            u.reported
        ),
        (8, 7, 5, 3, 1, 3)
    );
    close(u.open_rate, 5.0 / 7.0);
    close(u.click_rate, 3.0 / 7.0);
    close(u.submit_rate, 1.0 / 7.0);
    close(u.report_rate, 3.0 / 7.0);
    // failed before: ueda, oda, kato, sato; kato's mail this time failed to send
    assert_eq!(
        (u.retested, u.retest_opened, u.retest_failed),
        (Some(3), Some(2), Some(1))
    );
    close(u.retest_open_rate, 2.0 / 3.0);
    close(u.retest_failure_rate, 1.0 / 3.0);
    let f = r.figures();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kpi, "M.2.3");
    assert_eq!(
        f[0].value,
        FigureValue::Ratio {
            numerator: 2.0,
            denominator: 3.0
        }
    );
}

#[test]
fn gophish_per_business_unit_through_the_column_mapping() {
    let mut o = gophish::Options::default();
    o.columns.set("business_unit=position").unwrap();
    let previous = gophish::failed_before(sample("gophish_previous.csv"), "p.csv", &o).unwrap();
    let r = gophish::analyse(sample("gophish_results.csv"), "r.csv", &o, Some(previous)).unwrap();
    let units: Vec<_> = r
        .units
        .iter()
        .map(|u| u.business_unit.clone().unwrap())
        .collect();
    assert_eq!(units, ["Finance", "Sales"]);
    let (fin, sales) = (&r.units[0], &r.units[1]);
    assert_eq!(
        (
            fin.sent,
            fin.opened,
            fin.clicked,
            fin.submitted,
            fin.reported
        ),
        (4, 2, 1, 0, 2)
    );
    assert_eq!(
        (fin.retested, fin.retest_opened, fin.retest_failed),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(
        (
            sales.targets,
            sales.sent,
            sales.opened,
            sales.clicked,
            sales.submitted
        ),
        (4, 3, 3, 2, 1)
    );
    assert_eq!(
        (sales.retested, sales.retest_opened, sales.retest_failed),
        (Some(1), Some(1), Some(0))
    );
    // without an earlier campaign there is no retest figure
    let r = gophish::analyse(sample("gophish_results.csv"), "r.csv", &o, None).unwrap();
    assert_eq!(r.units[0].retest_open_rate, None);
    assert!(r.figures().is_empty());
}

#[test]
fn gophish_bad_rows_and_missing_columns() {
    let text = "id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position\n\
        a,Email Sent,,0,0,2026-04-14T09:00:01Z,false,2026-04-14T09:00:01Z,a@example.jp,A,A,X\n\
        b,Bogus,,0,0,2026-04-14T09:00:01Z,false,2026-04-14T09:00:01Z,b@example.jp,B,B,X\n\
        c,Email Sent,,0,0,2026-04-14T09:00:01Z,perhaps,2026-04-14T09:00:01Z,c@example.jp,C,C,X\n\
        d,Email Sent,,0,0,2026-04-14T09:00:01Z,false,2026-04-14T09:00:01Z,,D,D,X\n";
    let o = gophish::Options::default();
    let r = gophish::analyse(text.as_bytes(), "r.csv", &o, None).unwrap();
    assert_eq!(
        (r.tally.read, r.tally.accepted, r.tally.rejected),
        (4, 1, 3)
    );
    let lines: Vec<u64> = r.tally.first_rejected.iter().map(|b| b.line).collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(
        r.tally.first_rejected[0]
            .reason
            .contains("unknown status `Bogus`")
    );
    assert!(
        r.tally.first_rejected[1]
            .reason
            .contains("reported: `perhaps`")
    );
    assert_eq!(r.tally.first_rejected[2].reason, "missing email");
    let strict = gophish::Options {
        strict: true,
        ..o.clone()
    };
    let e = gophish::analyse(text.as_bytes(), "r.csv", &strict, None).unwrap_err();
    assert!(matches!(e, ConnectorError::Rejected { line: 3, .. }), "{e}");
    let e =
        gophish::analyse("email,status\nx,Email Sent\n".as_bytes(), "r.csv", &o, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "r.csv: line 1 (header): missing column `reported`"
    );
}

#[test]
fn defectdojo_api_answer_gives_the_vulnerability_figures() {
    // The figures below are worked out with the dates (written without a zone) read in UTC.
    let utc = vulns::Options {
        zone: Zone::utc(),
        ..vulns::Options::default()
    };
    let r = defectdojo::analyse(sample("defectdojo_findings.json"), "dd.json", &utc).unwrap();
    // 8 findings: 104 (Info) and 106 (false positive) skipped; 107 and 108 rejected
    assert_eq!((r.read, r.accepted, r.rejected, r.skipped), (8, 4, 2, 2));
    assert_eq!(r.first_rejected[0].line, 7);
    assert!(
        r.first_rejected[0]
            .reason
            .starts_with("finding 107: unknown severity `Severe`"),
        "{}",
        r.first_rejected[0].reason
    );
    assert_eq!(r.first_rejected[1].line, 8);
    assert_eq!(
        r.first_rejected[1].reason,
        "finding 108: resolved_at is before started_at"
    );
    let keys: Vec<_> = r
        .groups
        .iter()
        .map(|g| (g.business_unit.as_str(), g.severity))
        .collect();
    assert_eq!(
        keys,
        [
            ("Corporate site", Severity::Medium),
            ("ecommerce", Severity::Critical),
            ("ecommerce", Severity::High)
        ]
    );
    let c = &r.groups[1];
    // 101: published 03-01, found 03-02 (start), mitigated 03-06 12:00 → 24 h, 108 h, within 7 days
    // 102: no publish date, open → counted, no time to start, a miss
    assert_eq!((c.findings, c.started, c.resolved), (2, 1, 1));
    close(c.mean_hours_to_start, 24.0);
    close(c.mean_hours_to_resolve, 108.0);
    assert_eq!(c.sla_share, Some(0.5));
    let h = &r.groups[2];
    // 103: 9 days to start, 38 days to resolve (fraction of a second ignored): past 30 days
    close(h.mean_hours_to_start, 216.0);
    close(h.p90_hours_to_resolve, 912.0);
    assert_eq!(h.sla_share, Some(0.0));
    let m = &r.groups[0];
    close(m.mean_hours_to_start, 72.0);
    assert_eq!(m.sla_share, None);
    let f = r.figures(Severity::Critical);
    assert_eq!(
        f.iter().map(|f| f.kpi).collect::<Vec<_>>(),
        ["1.12.1", "1.12.2"]
    );
    // In Tokyo (the default) the day 101 was found began nine hours earlier, 15:00 UTC the day
    // before, and its mitigation time carries its own zone: 9 hours more to resolve.
    let tokyo = defectdojo::analyse(
        sample("defectdojo_findings.json"),
        "dd.json",
        &vulns::Options::default(),
    )
    .unwrap();
    close(tokyo.groups[1].mean_hours_to_start, 24.0);
    close(tokyo.groups[1].mean_hours_to_resolve, 117.0);
}

#[test]
fn defectdojo_mapping_plain_lists_and_broken_files() {
    let list = r#"[{"id": 1, "severity": "High", "date": "2026-03-01", "publish_date": "2026-02-28",
        "mitigated": null, "dept": "IT"}]"#;
    let mut o = vulns::Options::default();
    let r = defectdojo::analyse(list.as_bytes(), "l.json", &o).unwrap();
    assert_eq!(r.rejected, 1);
    assert!(
        r.first_rejected[0].reason.contains("related_fields=true"),
        "{}",
        r.first_rejected[0].reason
    );
    o.columns.set("business_unit=dept").unwrap();
    let r = defectdojo::analyse(list.as_bytes(), "l.json", &o).unwrap();
    assert_eq!((r.accepted, r.groups[0].business_unit.as_str()), (1, "IT"));
    close(r.groups[0].mean_hours_to_start, 24.0);
    let e = defectdojo::analyse(&list.as_bytes()[..40], "l.json", &o).unwrap_err();
    assert!(e.to_string().contains("cut off"), "{e}");
    let e = defectdojo::analyse(r#"{"count": 0}"#.as_bytes(), "l.json", &o).unwrap_err();
    assert!(e.to_string().contains("no `results`"), "{e}");
    o.strict = true;
    o.columns = ColumnMap::default();
    let e = defectdojo::analyse(list.as_bytes(), "l.json", &o).unwrap_err();
    assert!(matches!(e, ConnectorError::Rejected { line: 1, .. }), "{e}");
}

#[test]
fn openscap_results_per_system_and_business_unit() {
    let mut tally = mieruka_connectors::Tally::default();
    let mut systems =
        openscap::read_systems(sample("xccdf_results.xml"), "r.xml", false, &mut tally).unwrap();
    systems.extend(
        openscap::read_systems(sample("xccdf_app01.xml"), "a.xml", false, &mut tally).unwrap(),
    );
    // 5 + 5 + 2 rule results; db01's `maybe` rejected at the line its rule-result ends
    assert_eq!((tally.read, tally.accepted, tally.rejected), (12, 11, 1));
    assert_eq!(tally.first_rejected[0].line, 119);
    assert!(
        tally.first_rejected[0]
            .reason
            .contains("unknown result `maybe`")
    );
    let (hosts, _) = openscap::read_hosts(
        sample("hosts.csv"),
        "hosts.csv",
        &ColumnMap::default(),
        false,
    )
    .unwrap();
    let r = openscap::summarise(systems.clone(), Some(&hosts), tally.clone()).unwrap();
    let web = r
        .systems
        .iter()
        .find(|s| s.host == "web01.example.jp")
        .unwrap();
    assert_eq!(
        (web.passed, web.failed, web.errors, web.not_counted),
        (3, 1, 0, 1)
    );
    close(web.compliance, 0.75);
    assert!(!web.meets_policy);
    let db = r
        .systems
        .iter()
        .find(|s| s.host == "db01.example.jp")
        .unwrap();
    assert_eq!(
        (db.passed, db.failed, db.not_counted, db.meets_policy),
        (2, 0, 2, true)
    );
    let app = r
        .systems
        .iter()
        .find(|s| s.host == "app01.example.jp")
        .unwrap();
    assert_eq!((app.passed, app.errors, app.meets_policy), (1, 1, false));
    let units: Vec<_> = r
        .units
        .iter()
        .map(|u| {
            (
                u.business_unit.clone().unwrap(),
                u.systems,
                u.meeting_policy,
            )
        })
        .collect();
    assert_eq!(
        units,
        [
            ("corporate".to_string(), 1, 0),
            ("ecommerce".to_string(), 2, 1)
        ]
    );
    let f = r.figures();
    assert_eq!(
        f[1].value,
        FigureValue::Ratio {
            numerator: 1.0,
            denominator: 2.0
        }
    );
    // without a host list: one group
    let r = openscap::summarise(systems.clone(), None, tally.clone()).unwrap();
    assert_eq!(
        (r.units.len(), r.units[0].systems, r.units[0].meeting_policy),
        (1, 3, 1)
    );
    // a host missing from the list is named
    let mut partial = hosts.clone();
    partial.remove("app01.example.jp");
    let e = openscap::summarise(systems, Some(&partial), tally).unwrap_err();
    assert!(e.contains("app01.example.jp"), "{e}");
}

#[test]
fn openscap_refuses_what_is_not_a_results_file() {
    let mut t = mieruka_connectors::Tally::default();
    let e = openscap::read_systems("<html><body/></html>".as_bytes(), "x.xml", false, &mut t)
        .unwrap_err();
    assert!(e.to_string().contains("not an XCCDF"), "{e}");
    let whole = std::io::read_to_string(sample("xccdf_results.xml")).unwrap();
    let cut = &whole[..whole.len() / 2];
    let e = openscap::read_systems(cut.as_bytes(), "x.xml", false, &mut t).unwrap_err();
    assert!(e.to_string().contains("cut off"), "{e}");
    let e = openscap::read_systems(
        r#"<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2"><Rule id="r"/></Benchmark>"#
            .as_bytes(),
        "x.xml",
        false,
        &mut t,
    )
    .unwrap_err();
    assert!(e.to_string().contains("no TestResult"), "{e}");
    let e = openscap::read_systems(sample("xccdf_results.xml"), "x.xml", true, &mut t).unwrap_err();
    assert!(
        matches!(e, ConnectorError::Rejected { line: 119, .. }),
        "{e}"
    );
}
