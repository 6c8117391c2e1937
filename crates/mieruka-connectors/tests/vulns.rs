//! The vulnerability connector through its public API: exact figures on a file worked out by
//! hand, the SLA rule, every kind of bad row with its line number, strict mode, files refused
//! as a whole, and the same answer whatever the number of threads.

use std::collections::BTreeMap;
use std::path::PathBuf;

use mieruka_connectors::vulns::generate::write_findings;
use mieruka_connectors::vulns::{
    GroupSummary, Options, Report, Severity, SlaPolicy, VulnError, analyse_file, analyse_reader,
    parse_timestamp,
};

const HEADER: &str =
    "finding_id,asset_id,business_unit,severity,published_at,detected_at,started_at,resolved_at\n";

/// Worked by hand, in hours from 2026-03-01T00:00:00Z:
/// finance critical — to start 10, 28, 1.5, 6 (F4 not started); to resolve 48, 192, 162;
/// resolved − detected: 56 h (hit), 196 h (miss), F3/F4 unresolved (misses), 168 h (hit, = 7 d).
const HAND: &str = "\
F7,A7,sales,high,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,2026-03-31T00:00:00Z
F8,A8,sales,low,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,2026-03-03T00:00:00Z,2026-03-04T00:00:00Z
F1,A1,finance,critical,2026-03-01T00:00:00Z,2026-03-01T02:00:00Z,2026-03-01T10:00:00Z,2026-03-03T10:00:00Z
F2,A2,finance,critical,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,2026-03-02T04:00:00Z,2026-03-10T04:00:00Z
F3,A3,finance,Critical,2026-03-05T00:00:00Z,2026-03-05T00:00:00Z,2026-03-05T01:30:00Z,
F4,A4,finance,critical,2026-03-05T00:00:00Z,2026-03-05T12:00:00Z,,
F5,A5,finance,CRITICAL,2026-03-06T00:00:00Z,2026-03-06T00:00:00Z,2026-03-06T06:00:00Z,2026-03-13T00:00:00Z
F6,A6,finance,Medium,2026-03-06T00:00:00Z,2026-03-06T00:00:00Z,,
";

fn run(text: &str, options: &Options) -> Result<Report, VulnError> {
    analyse_reader(text.as_bytes(), "hand.csv", options)
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("a value");
    assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} != {b}");
}

fn group<'a>(r: &'a Report, unit: &str, s: Severity) -> &'a GroupSummary {
    r.groups
        .iter()
        .find(|g| g.business_unit == unit && g.severity == s)
        .unwrap_or_else(|| panic!("no group {unit} {s}"))
}

#[test]
fn exact_figures_on_a_hand_made_file() {
    let r = run(&format!("{HEADER}{HAND}"), &Options::default()).unwrap();
    assert_eq!((r.read, r.accepted, r.rejected), (8, 8, 0));
    let order: Vec<(&str, Severity)> = r
        .groups
        .iter()
        .map(|g| (g.business_unit.as_str(), g.severity))
        .collect();
    assert_eq!(
        order,
        [
            ("finance", Severity::Critical),
            ("finance", Severity::Medium),
            ("sales", Severity::High),
            ("sales", Severity::Low),
        ]
    );
    let c = group(&r, "finance", Severity::Critical);
    assert_eq!((c.findings, c.started, c.resolved), (5, 4, 3));
    close(c.mean_hours_to_start, 45.5 / 4.0);
    // sorted 1.5, 6, 10, 28: rank 0.9 × 3 = 2.7 → 10 + 0.7 × 18
    close(c.p90_hours_to_start, 22.6);
    close(c.mean_hours_to_resolve, 402.0 / 3.0);
    // sorted 48, 162, 192: rank 1.8 → 162 + 0.8 × 30
    close(c.p90_hours_to_resolve, 186.0);
    assert_eq!(c.sla_share, Some(0.4));

    let m = group(&r, "finance", Severity::Medium);
    assert_eq!((m.findings, m.started, m.resolved), (1, 0, 0));
    assert_eq!(m.mean_hours_to_start, None);
    assert_eq!(m.p90_hours_to_resolve, None);
    assert_eq!(m.sla_share, None, "no SLA for medium by default");

    let h = group(&r, "sales", Severity::High);
    close(h.mean_hours_to_start, 0.0);
    close(h.p90_hours_to_resolve, 720.0);
    assert_eq!(h.sla_share, Some(1.0), "exactly 30 days is within the SLA");
    assert_eq!(group(&r, "sales", Severity::Low).sla_share, None);
}

#[test]
fn json_field_names_and_nulls() {
    let r = run(&format!("{HEADER}{HAND}"), &Options::default()).unwrap();
    let v = serde_json::to_value(&r.groups).unwrap();
    let m = &v[1];
    assert_eq!(m["business_unit"], "finance");
    assert_eq!(m["severity"], "medium");
    assert!(m["sla_share"].is_null());
    assert!(m["p90_hours_to_start"].is_null());
    assert_eq!(v[0]["findings"], 5);
}

#[test]
fn configurable_slas() {
    let mut sla = SlaPolicy::default();
    sla.apply("low=2").unwrap();
    sla.apply("Critical=9").unwrap();
    sla.apply("medium=90").unwrap();
    let options = Options {
        sla,
        ..Options::default()
    };
    let r = run(&format!("{HEADER}{HAND}"), &options).unwrap();
    // resolved − detected = 48 h ≤ 2 days
    assert_eq!(group(&r, "sales", Severity::Low).sla_share, Some(1.0));
    // 196 h is within 9 days (216 h); unresolved still miss: 3 of 5
    assert_eq!(
        group(&r, "finance", Severity::Critical).sla_share,
        Some(0.6)
    );
    // a medium SLA now exists; the only medium finding is unresolved
    assert_eq!(group(&r, "finance", Severity::Medium).sla_share, Some(0.0));
    let mut sla = SlaPolicy::default();
    sla.apply("low=1").unwrap();
    let options = Options {
        sla,
        ..Options::default()
    };
    let r = run(&format!("{HEADER}{HAND}"), &options).unwrap();
    assert_eq!(group(&r, "sales", Severity::Low).sla_share, Some(0.0));

    let mut sla = SlaPolicy::default();
    for bad in ["info=3", "medium", "medium=-1", "medium=1.5", "low=99999"] {
        let e = sla.apply(bad).unwrap_err();
        assert!(e.contains(bad), "{e}");
    }
}

const GOOD: &str = "G,A,hr,low,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,2026-03-03T00:00:00Z";

/// Lines 3–11 are bad in nine different ways; line 13 is blank.
fn with_bad_rows() -> String {
    let rows = [
        GOOD,
        "B1,A,hr,low,2026-03-01 00:00:00,2026-03-01T00:00:00Z,,",
        "B2,A,hr,info,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,,",
        "B3,A,hr,low,2026-03-02T00:00:00Z,2026-03-02T00:00:00Z,2026-03-01T00:00:00Z,",
        "B4,A,hr,low,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,2026-03-01T23:00:00Z",
        ",A,hr,low,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,,",
        "B6, ,hr,low,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,,",
        "B7,A,hr,low,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,,2026-03-02T00:00:00Z",
        "B8,A,hr,low,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,,,extra",
        "B9,A,hr",
        GOOD,
        "",
        GOOD,
    ];
    format!("{HEADER}{}\n", rows.join("\n"))
}

#[test]
fn every_bad_row_kind_with_its_line() {
    let r = run(&with_bad_rows(), &Options::default()).unwrap();
    assert_eq!((r.read, r.accepted, r.rejected), (12, 3, 9));
    let got: Vec<(u64, &str)> = r
        .first_rejected
        .iter()
        .map(|b| (b.line, b.reason.as_str()))
        .collect();
    let expected = [
        (3, "published_at: `2026-03-01 00:00:00` is not a timestamp"),
        (4, "unknown severity `info`"),
        (5, "started_at is before published_at"),
        (6, "resolved_at is before started_at"),
        (7, "missing finding_id"),
        (8, "missing asset_id"),
        (9, "resolved_at without started_at"),
        (10, "expected 8 fields, found 9"),
        (11, "expected 8 fields, found 3"),
    ];
    assert_eq!(got.len(), expected.len());
    for ((line, reason), (el, er)) in got.iter().zip(expected) {
        assert_eq!(*line, el, "{reason}");
        assert!(
            reason.starts_with(er),
            "line {line}: {reason} (expected {er})"
        );
    }
    assert_eq!(r.groups.len(), 1);
    assert_eq!(r.groups[0].findings, 3);
}

#[test]
fn only_the_first_ten_rejected_rows_are_listed() {
    let bad = "X,A,hr,info,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,,\n".repeat(25);
    let r = run(&format!("{HEADER}{bad}"), &Options::default()).unwrap();
    assert_eq!((r.read, r.accepted, r.rejected), (25, 0, 25));
    let lines: Vec<u64> = r.first_rejected.iter().map(|b| b.line).collect();
    assert_eq!(lines, (2..12).collect::<Vec<u64>>());
    assert!(r.groups.is_empty());
}

#[test]
fn strict_mode_refuses_the_file_at_the_first_bad_row() {
    let options = Options {
        strict: true,
        ..Options::default()
    };
    let e = run(&with_bad_rows(), &options).unwrap_err();
    assert!(matches!(e, VulnError::Rejected { line: 3, .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.starts_with("hand.csv: line 3: published_at"), "{msg}");
    // A short row in the middle is a bad row too, with its own line.
    let text = format!("{HEADER}{GOOD}\nB9,A,hr\n{GOOD}\n");
    let e = run(&text, &options).unwrap_err();
    assert!(matches!(e, VulnError::Rejected { line: 3, .. }), "{e:?}");
    assert!(run(&format!("{HEADER}{HAND}"), &options).is_ok());
}

#[test]
fn missing_and_duplicate_columns_name_the_file() {
    let header = "finding_id,asset_id,business_unit,severity,published_at,detected_at,started_at\n";
    let e = run(&format!("{header}{GOOD}\n"), &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "hand.csv: line 1 (header): missing column `resolved_at`"
    );
    let e = run("finding_id,severity\n", &Options::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("missing columns `asset_id`, `business_unit`"),
        "{e}"
    );
    let e = run(
        &format!("{}severity\n", HEADER.trim_end().to_string() + ","),
        &Options::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("`severity` appears twice"), "{e}");
    let e = run("", &Options::default()).unwrap_err();
    assert!(
        e.to_string().starts_with("hand.csv: the file is empty"),
        "{e}"
    );
}

#[test]
fn columns_in_any_order_with_extras_bom_and_crlf() {
    let text = "\u{feff}Severity,business_unit,note,finding_id,asset_id,resolved_at,started_at,detected_at,published_at\r\n\
        high,ops,x,F1,A1,2026-03-02T00:00:00Z,2026-03-01T12:00:00Z,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z\r\n";
    let r = run(text, &Options::default()).unwrap();
    let g = group(&r, "ops", Severity::High);
    close(g.mean_hours_to_start, 12.0);
    close(g.mean_hours_to_resolve, 12.0);
    assert_eq!(g.sla_share, Some(1.0));
}

#[test]
fn a_truncated_last_line_refuses_the_file() {
    let cut = "F9,A9,finance,high,2026-03-0";
    for text in [
        format!("{HEADER}{HAND}{cut}"),
        format!("{HEADER}{HAND}{cut}\n\n"),
    ] {
        let e = run(&text, &Options::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "hand.csv: line 10: the file is truncated: its last line has 5 of 8 fields"
        );
    }
    // A last line with all its fields but no line break is fine.
    let r = run(&format!("{HEADER}{GOOD}"), &Options::default()).unwrap();
    assert_eq!(r.accepted, 1);
}

#[test]
fn shift_jis_is_read_and_text_in_neither_encoding_refuses_the_file() {
    // 営業 in Shift_JIS, as Japanese Excel saves CSV: once refused as "not UTF-8" while
    // measurement import read the same file.
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(GOOD.as_bytes());
    bytes.extend_from_slice(
        b"\nF2,A2,\x89\x63\x8b\xc6,low,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,,\n",
    );
    let r = analyse_reader(&bytes[..], "sjis.csv", &Options::default()).unwrap();
    assert_eq!((r.read, r.accepted), (2, 2), "{:?}", r.first_rejected);
    assert!(r.groups.iter().any(|g| g.business_unit == "営業"));
    // The same file on disk: decoded as one stream instead of the parallel byte ranges.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sjis.csv");
    std::fs::write(&path, &bytes).unwrap();
    let from_file = analyse_file(&path, &threads(2)).unwrap();
    assert_eq!(from_file.groups, r.groups);

    // Neither UTF-8 nor Shift_JIS: refused, naming the line.
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(GOOD.as_bytes());
    bytes.extend_from_slice(b"\nF2,A2,\x82\xff,low,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,,\n");
    let e = analyse_reader(&bytes[..], "bad.csv", &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad.csv: line 3 is not UTF-8 text; save the file as UTF-8"
    );
    let e =
        analyse_reader(&b"finding_id,\x82\xff\n"[..], "h.csv", &Options::default()).unwrap_err();
    assert!(matches!(e, VulnError::NotUtf8 { line: 1, .. }), "{e:?}");
}

fn generated(dir: &tempfile::TempDir, rows: u64, seed: u64) -> (PathBuf, String) {
    let mut text = Vec::new();
    write_findings(&mut text, rows, seed).unwrap();
    let path = dir.path().join(format!("gen-{rows}-{seed}.csv"));
    std::fs::write(&path, &text).unwrap();
    (path, String::from_utf8(text).unwrap())
}

fn threads(n: usize) -> Options {
    Options {
        threads: n,
        ..Options::default()
    }
}

#[test]
fn two_threads_give_the_same_report_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let (path, text) = generated(&dir, 50_000, 42);
    let one = analyse_file(&path, &threads(1)).unwrap();
    assert_eq!(one.read, 50_000);
    assert_eq!(one.accepted, 50_000);
    assert_eq!(one.groups.len(), 32);
    for n in [2, 3, 7] {
        assert_eq!(
            analyse_file(&path, &threads(n)).unwrap(),
            one,
            "{n} threads"
        );
    }
    assert_eq!(
        analyse_reader(text.as_bytes(), "g", &threads(1)).unwrap(),
        one
    );
}

#[test]
fn line_numbers_stay_right_across_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (_, text) = generated(&dir, 50_000, 9);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for l in [100usize, 30_000, 49_990] {
        let mut f: Vec<&str> = lines[l - 1].split(',').collect();
        f[3] = "urgent";
        lines[l - 1] = f.join(",");
    }
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    for n in [1, 2, 3] {
        let r = analyse_file(&path, &threads(n)).unwrap();
        assert_eq!((r.read, r.rejected), (50_000, 3));
        let got: Vec<u64> = r.first_rejected.iter().map(|b| b.line).collect();
        assert_eq!(got, [100, 30_000, 49_990], "{n} threads");
        let strict = Options {
            strict: true,
            ..threads(n)
        };
        let e = analyse_file(&path, &strict).unwrap_err();
        assert!(
            matches!(e, VulnError::Rejected { line: 100, .. }),
            "{n}: {e:?}"
        );
    }
}

/// A plain, sorting reference: hours as f64, numpy's percentile formula.
fn reference(text: &str, sla: &SlaPolicy) -> BTreeMap<(String, Severity), [Option<f64>; 5]> {
    // to start, to resolve (hours), findings, within SLA
    type Acc = (Vec<f64>, Vec<f64>, u64, u64);
    let mut acc: BTreeMap<(String, Severity), Acc> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let sev: Severity = f[3].parse().unwrap();
        let t = |i: usize| parse_timestamp(f[i].as_bytes()).map(|s| s as f64 / 3600.0);
        let e = acc.entry((f[2].to_string(), sev)).or_default();
        e.2 += 1;
        if let Some(s) = t(6) {
            e.0.push(s - t(4).unwrap());
        }
        if let Some(r) = t(7) {
            e.1.push(r - t(6).unwrap());
            if let Some(days) = sla.days(sev)
                && r - t(5).unwrap() <= f64::from(days) * 24.0
            {
                e.3 += 1;
            }
        }
    }
    let p90 = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let h = 0.9 * (v.len() - 1) as f64;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(v.len() - 1);
        Some(v[lo] + (v[hi] - v[lo]) * (h - lo as f64))
    };
    acc.into_iter()
        .map(|(k, (mut s, mut r, n, hit))| {
            let mean = |v: &Vec<f64>| Some(v.iter().sum::<f64>() / v.len() as f64);
            let share = sla.days(k.1).map(|_| hit as f64 / n as f64);
            (k, [mean(&s), p90(&mut s), mean(&r), p90(&mut r), share])
        })
        .collect()
}

#[test]
fn agrees_with_a_plain_sorting_reference() {
    let dir = tempfile::tempdir().unwrap();
    let (path, text) = generated(&dir, 20_000, 5);
    let r = analyse_file(&path, &threads(2)).unwrap();
    let expected = reference(&text, &SlaPolicy::default());
    assert_eq!(r.groups.len(), expected.len());
    for g in &r.groups {
        let e = expected[&(g.business_unit.clone(), g.severity)];
        let got = [
            g.mean_hours_to_start,
            g.p90_hours_to_start,
            g.mean_hours_to_resolve,
            g.p90_hours_to_resolve,
            g.sla_share,
        ];
        for (a, b) in got.iter().zip(e) {
            match (a, b) {
                (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} {b}"),
                (a, b) => assert_eq!(*a, b),
            }
        }
    }
}

#[test]
fn a_missing_file_is_named() {
    let e = analyse_file(
        std::path::Path::new("/nonexistent/f.csv"),
        &Options::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/nonexistent/f.csv: cannot read:"),
        "{e}"
    );
}

#[test]
fn another_tool_s_column_names_through_the_mapping() {
    let theirs = "ID,Asset,Department,Risk,Published,Found,Work started,Fixed,Notes\n";
    let rows: String = HAND.lines().map(|l| format!("{l},x\n")).collect();
    let text = format!("{theirs}{rows}");
    let mut options = Options::default();
    let e = run(&text, &options).unwrap_err();
    assert!(
        e.to_string().contains("missing columns `finding_id`"),
        "{e}"
    );
    for s in [
        "finding_id=ID",
        "asset_id=Asset",
        "business_unit=Department",
        "severity=Risk",
        "published_at=Published",
        "detected_at=Found",
        "started_at=Work started",
        "resolved_at=Fixed",
    ] {
        options.columns.set(s).unwrap();
    }
    let mapped = run(&text, &options).unwrap();
    let plain = run(&format!("{HEADER}{HAND}"), &Options::default()).unwrap();
    assert_eq!(mapped, plain);
    options.columns.set("severity=Priority").unwrap();
    let e = run(&text, &options).unwrap_err();
    assert!(
        e.to_string()
            .contains("missing column `Priority` (for severity)"),
        "{e}"
    );
}
