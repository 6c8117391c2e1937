//! How `mieruka collect` shows a connector's results on a terminal: one table per connector
//! with words from the translation catalogue, then the counts of rows read, accepted and
//! rejected and the first rejected rows.

use mieruka_connectors::vulns::{GroupSummary, Report as VulnReport, Severity};
use mieruka_connectors::{Tally, assets, coverage, gophish, incidents, openscap, training};
use mieruka_domain::Lang;

use crate::render::table;

pub fn tr(lang: Lang, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    mieruka_domain::i18n::tr(lang, key, args)
}

fn hours(v: Option<f64>) -> String {
    v.map_or("—".into(), |h| format!("{h:.1}"))
}

fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), mieruka_domain::figures::percent)
}

fn unit(lang: Lang, u: &Option<String>) -> String {
    u.clone()
        .unwrap_or_else(|| tr(lang, "collect_all_units", &[]))
}

/// A table with headers given as catalogue keys (`collect_col_…`), or a line saying there is
/// nothing when there are no rows.
fn grid(lang: Lang, cols: &[&str], rows: Vec<Vec<String>>) -> String {
    if rows.is_empty() {
        return format!("{}\n", tr(lang, "collect_no_rows", &[]));
    }
    let header: Vec<String> = cols
        .iter()
        .map(|c| tr(lang, &format!("collect_col_{c}"), &[]))
        .collect();
    table(&header, &rows)
}

/// The counts line and the first rejected rows.
pub fn counts(lang: Lang, t: &Tally) -> String {
    let mut out = tr(
        lang,
        "collect_counts",
        &[
            ("read", &t.read),
            ("accepted", &t.accepted),
            ("rejected", &t.rejected),
        ],
    );
    out.push('\n');
    if t.skipped > 0 {
        out.push_str(&tr(lang, "collect_skipped", &[("skipped", &t.skipped)]));
        out.push('\n');
    }
    if !t.first_rejected.is_empty() {
        out.push_str(&tr(lang, "collect_rejected_head", &[]));
        out.push('\n');
        for b in &t.first_rejected {
            out.push_str(&tr(
                lang,
                "collect_rejected_line",
                &[("line", &b.line), ("reason", &b.reason)],
            ));
            out.push('\n');
        }
    }
    out
}

pub fn vuln_counts(lang: Lang, r: &VulnReport) -> String {
    counts(
        lang,
        &Tally {
            read: r.read,
            accepted: r.accepted,
            rejected: r.rejected,
            skipped: r.skipped,
            first_rejected: r.first_rejected.clone(),
        },
    )
}

fn severity(lang: Lang, s: Severity) -> String {
    tr(lang, &format!("collect_severity_{}", s.code()), &[])
}

fn vuln_row(lang: Lang, g: &GroupSummary) -> Vec<String> {
    vec![
        g.business_unit.clone(),
        severity(lang, g.severity),
        g.findings.to_string(),
        g.started.to_string(),
        hours(g.mean_hours_to_start),
        hours(g.p90_hours_to_start),
        g.resolved.to_string(),
        hours(g.mean_hours_to_resolve),
        hours(g.p90_hours_to_resolve),
        pct(g.sla_share),
    ]
}

pub fn vulns(lang: Lang, r: &VulnReport) -> String {
    grid(
        lang,
        &[
            "business_unit",
            "severity",
            "findings",
            "started",
            "mean_start",
            "p90_start",
            "resolved",
            "mean_resolve",
            "p90_resolve",
            "within_sla",
        ],
        r.groups.iter().map(|g| vuln_row(lang, g)).collect(),
    )
}

pub fn gophish(lang: Lang, r: &gophish::Report) -> String {
    let retest = r.previous.is_some();
    let mut cols = vec![
        "business_unit",
        "targets",
        "sent",
        "open_rate",
        "click_rate",
        "submit_rate",
        "report_rate",
    ];
    if retest {
        cols.extend(["retested", "retest_open", "retest_fail"]);
    }
    let rows = r
        .units
        .iter()
        .map(|u| {
            let mut row = vec![
                unit(lang, &u.business_unit),
                u.targets.to_string(),
                u.sent.to_string(),
                pct(u.open_rate),
                pct(u.click_rate),
                pct(u.submit_rate),
                pct(u.report_rate),
            ];
            if retest {
                row.extend([
                    u.retested.unwrap_or(0).to_string(),
                    pct(u.retest_open_rate),
                    pct(u.retest_failure_rate),
                ]);
            }
            row
        })
        .collect();
    grid(lang, &cols, rows)
}

pub fn openscap(lang: Lang, r: &openscap::Report) -> String {
    let yes_no = |b: bool| tr(lang, if b { "collect_yes" } else { "collect_no" }, &[]);
    let mut out = grid(
        lang,
        &["business_unit", "systems", "meeting", "compliance"],
        r.units
            .iter()
            .map(|u| {
                vec![
                    unit(lang, &u.business_unit),
                    u.systems.to_string(),
                    u.meeting_policy.to_string(),
                    pct(Some(u.compliance_rate)),
                ]
            })
            .collect(),
    );
    out.push('\n');
    out.push_str(&grid(
        lang,
        &[
            "host",
            "business_unit",
            "passed",
            "failed",
            "errors",
            "compliance",
            "meets",
        ],
        r.systems
            .iter()
            .map(|s| {
                vec![
                    s.host.clone(),
                    unit(lang, &s.business_unit),
                    s.passed.to_string(),
                    s.failed.to_string(),
                    s.errors.to_string(),
                    pct(s.compliance),
                    yes_no(s.meets_policy),
                ]
            })
            .collect(),
    ));
    out
}

fn kind(lang: Lang, k: assets::Kind) -> String {
    let code = match k {
        assets::Kind::Hardware => "hardware",
        assets::Kind::Software => "software",
        assets::Kind::Mobile => "mobile",
        assets::Kind::Cloud => "cloud",
    };
    tr(lang, &format!("collect_kind_{code}"), &[])
}

pub fn assets(lang: Lang, r: &assets::Report) -> String {
    grid(
        lang,
        &[
            "business_unit",
            "kind",
            "assets",
            "in_cmdb",
            "inventoried",
            "managed",
            "managed_share",
        ],
        r.groups
            .iter()
            .map(|g| {
                vec![
                    g.business_unit.clone(),
                    kind(lang, g.kind),
                    g.assets.to_string(),
                    g.in_cmdb.to_string(),
                    pct(Some(g.inventoried_share)),
                    g.managed.map_or("—".into(), |m| m.to_string()),
                    pct(g.managed_share),
                ]
            })
            .collect(),
    )
}

pub fn coverage(lang: Lang, r: &coverage::Report) -> String {
    grid(
        lang,
        &["business_unit", "hardware", "covered", "coverage"],
        r.units
            .iter()
            .map(|u| {
                vec![
                    u.business_unit.clone(),
                    u.hardware_assets.to_string(),
                    u.covered.to_string(),
                    pct(Some(u.coverage)),
                ]
            })
            .collect(),
    )
}

pub fn incidents(lang: Lang, r: &incidents::Report) -> String {
    grid(
        lang,
        &[
            "business_unit",
            "incidents",
            "mean_detect",
            "p90_detect",
            "contained",
            "mean_contain",
            "p90_contain",
            "effort",
            "mean_close",
        ],
        r.units
            .iter()
            .map(|u| {
                vec![
                    u.business_unit.clone(),
                    u.incidents.to_string(),
                    hours(u.mean_hours_to_detect),
                    hours(u.p90_hours_to_detect),
                    u.contained.to_string(),
                    hours(u.mean_hours_to_contain),
                    hours(u.p90_hours_to_contain),
                    hours(u.mean_effort_hours),
                    hours(u.mean_hours_to_close),
                ]
            })
            .collect(),
    )
}

pub fn training(lang: Lang, r: &training::Report) -> String {
    grid(
        lang,
        &["business_unit", "people", "completed", "completion"],
        r.units
            .iter()
            .map(|u| {
                vec![
                    u.business_unit.clone(),
                    u.people.to_string(),
                    u.completed.to_string(),
                    pct(Some(u.completion_rate)),
                ]
            })
            .collect(),
    )
}
