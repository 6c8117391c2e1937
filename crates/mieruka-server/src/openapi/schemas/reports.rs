//! Schemas of the board report's answers and bodies: the lint, issued reports, the schedule, and
//! the benchmark (peer) figures its summary compares with.

use serde_json::{Value, json};

use super::{
    answer, arr, boolean, date, described, int, int_in, num, num_or_null, one_of, or_null, r, s,
    s_or_null,
};

const CADENCES: &[&str] = &["quarterly", "half_yearly"];

pub(super) fn reports(add: &mut impl FnMut(&str, Value)) {
    add(
        "LintFinding",
        answer(
            &["rule", "location", "suggestion", "message", "lang"],
            json!({
                "rule": one_of(&["term", "too_many_kpis", "no_money", "no_summary", "no_trend", "no_ask"]),
                "location": described(s(), "Where: a field of the report (`story.solution`, `kpi[1.2.2].name`) or `report`."),
                "term": described(s_or_null(), "The words as written, for `term`."),
                "category": or_null(one_of(&["jargon", "attack_counts", "vulnerability_counts", "attack_techniques", "controls"])),
                "suggestion": described(s(), "The business phrasing to use instead, or what to add."),
                "message": s(),
                "lang": one_of(&["ja", "en"]),
            }),
        ),
    );
    add(
        "ReportLint",
        answer(
            &["org", "period", "clean", "findings"],
            json!({ "org": s(), "period": s(), "clean": boolean(), "findings": arr(r("LintFinding")) }),
        ),
    );
    add(
        "IssuedReport",
        answer(
            &[
                "id",
                "period",
                "lang",
                "data_version",
                "sha256",
                "issued_by",
                "issued_at",
            ],
            json!({
                "id": int(), "period": s(), "lang": one_of(&["ja", "en"]),
                "data_version": described(int(), "The audit log's head when the report was made."),
                "sha256": described(s(), "SHA-256 of the kept snapshot, checked whenever it is rendered again."),
                "issued_by": s(), "issued_at": s(),
            }),
        ),
    );
    let next = answer(
        &["period", "due", "overdue"],
        json!({ "period": json!({ "type": "object" }), "due": date(), "overdue": boolean() }),
    );
    add(
        "IssuedReports",
        answer(
            &["org", "issued", "next"],
            json!({ "org": s(), "issued": arr(r("IssuedReport")), "next": next.clone() }),
        ),
    );
    add(
        "ReportSchedule",
        answer(
            &["org", "cadence", "due_days", "next"],
            json!({ "org": s(), "cadence": one_of(CADENCES), "due_days": int(), "next": next }),
        ),
    );
    let figures = json!({
        "kpi": described(s(), "A catalogue KPI id (`1.2.2`) or an organisation's own KPI id."),
        "as_of": described(date(), "The date the figures are as of."),
        "median": described(num(), "In the KPI's reading unit: percent for ratio and progress KPIs, a count, mean hours, a score."),
        "lower": described(num_or_null(), "The lower quartile, at most the median."),
        "upper": described(num_or_null(), "The upper quartile, at least the median."),
        "peers": described(int_in(1, u64::from(u32::MAX)), "How many organisations the figures are from, at least 1."),
        "source": described(s(), "Where the figures come from, up to 200 characters."),
        "industry": s_or_null(),
    });
    let mut listed = figures.clone();
    listed["updated_at"] = s();
    add(
        "Benchmark",
        answer(
            &[
                "kpi",
                "as_of",
                "median",
                "lower",
                "upper",
                "peers",
                "source",
                "industry",
                "updated_at",
            ],
            listed,
        ),
    );
}
