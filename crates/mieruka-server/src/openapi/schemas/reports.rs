//! Schemas of the board report's answers: the lint, issued reports and the schedule.

use serde_json::{Value, json};

use super::{answer, arr, boolean, date, described, int, one_of, or_null, r, s, s_or_null};

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
}
