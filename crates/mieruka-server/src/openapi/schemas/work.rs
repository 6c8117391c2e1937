//! Schemas of organisations, units, KPIs, plans, status and measurements.

use serde_json::{Value, json};

use super::*;

pub(super) fn organisations(add: &mut impl FnMut(&str, Value)) {
    let org_props = json!({
        "code": s(), "name": s(), "maturity": one_of(MATURITY),
        "fiscal_start_month": int(), "time_zone": s(), "created_at": s(),
    });
    add(
        "Organisation",
        answer(
            &["code", "name", "maturity", "fiscal_start_month"],
            org_props.clone(),
        ),
    );
    let mut with_units = org_props;
    with_units["units"] = arr(r("Unit"));
    add(
        "OrganisationWithUnits",
        answer(&["code", "name", "maturity", "units"], with_units),
    );
    add(
        "Unit",
        answer(
            &["id", "code", "name", "kind", "parent"],
            json!({
                "id": int(), "code": s(), "name": s(), "kind": one_of(UNIT_KINDS),
                "parent": json!({ "type": ["integer", "null"] }), "maturity": or_null(one_of(MATURITY)),
                "facts": json!({ "type": "object" }),
            }),
        ),
    );
    add(
        "KpiDefinition",
        described(
            answer(
                &[
                    "id",
                    "source",
                    "name",
                    "measure_kind",
                    "maturity",
                    "direction",
                    "formula",
                    "targets",
                ],
                json!({
                    "id": s(), "source": s(), "name": r("Text"), "measure_kind": s(),
                    "maturity": one_of(MATURITY), "direction": s(), "measure_type": s(),
                    "frequency": s(), "formula": json!({ "type": "object" }),
                    "targets": arr(json!({ "type": "object" })), "may_exceed_100": boolean(),
                }),
            ),
            "A KPI definition in the catalogue's public JSON form (docs/catalogue.md).",
        ),
    );
    add(
        "Grid",
        answer(
            &["rows", "columns", "row_order"],
            json!({ "rows": arr(json!({ "type": "object" })), "columns": arr(s()), "row_order": arr(s()) }),
        ),
    );
    add(
        "Recommendation",
        answer(
            &[
                "org",
                "maturity",
                "period",
                "chosen",
                "suggested",
                "advice",
                "groups",
            ],
            json!({
                "org": s(), "maturity": one_of(MATURITY), "stages": arr(s()), "period": s(),
                "chosen": int(),
                "suggested": answer(&["min", "max"], json!({ "min": int(), "max": int() })),
                "advice": one_of(&["room_for_more", "balanced", "above_stage", "too_many"]),
                "groups": arr(json!({ "type": "object" })),
            }),
        ),
    );
    add(
        "Period",
        answer(
            &["code", "kind", "start", "end"],
            json!({ "code": s(), "kind": s(), "start": date(), "end": date() }),
        ),
    );
}

pub(super) fn plans(add: &mut impl FnMut(&str, Value)) {
    add(
        "PlanContent",
        answer(
            &["targets", "deadline", "purpose", "units", "owner"],
            json!({
                "targets": arr(r("PlanTarget")), "baseline": num_or_null(), "deadline": date(),
                "trajectory": arr(r("TrajectoryPoint")), "purpose": r("Purpose"), "units": arr(s()),
                "owner": s(), "agreement": or_null(r("Agreement")),
            }),
        ),
    );
    add(
        "Plan",
        answer(
            &[
                "id", "kpi_id", "kpi_name", "period", "state", "revision", "content",
            ],
            json!({
                "id": int(), "kpi_id": s(), "kpi_name": r("Text"), "period": s(),
                "state": one_of(&["draft", "agreed", "closed"]), "revision": int(),
                "content": r("PlanContent"),
            }),
        ),
    );
    add(
        "PlanWithRevisions",
        json!({ "allOf": [r("Plan"), answer(&["revisions"], json!({ "revisions": arr(answer(
            &["revision", "reason", "created_by", "created_at", "content"],
            json!({ "revision": int(), "reason": s(), "created_by": s(), "created_at": s(), "content": r("PlanContent") }),
        )) }))] }),
    );
    add(
        "Status",
        described(
            answer(
                &[
                    "org",
                    "period",
                    "period_start",
                    "period_end",
                    "as_of",
                    "plans",
                ],
                json!({
                    "org": s(), "period": s(), "period_start": date(), "period_end": date(),
                    "as_of": date(), "plans": arr(json!({ "type": "object" })),
                }),
            ),
            "Each plan's status as docs/status.md describes it.",
        ),
    );
}

pub(super) fn measurements(add: &mut impl FnMut(&str, Value)) {
    add(
        "Measurement",
        answer(
            &[
                "id",
                "plan",
                "unit",
                "date",
                "value",
                "reading",
                "source",
                "recorded_by",
                "recorded_at",
            ],
            json!({
                "id": int(), "plan": int(), "unit": s(), "date": date(), "part": s_or_null(),
                "value": json!({ "type": "object", "description": "{kind: ratio|count|score|duration, …}" }),
                "reading": num(), "source": one_of(&["manual", "file", "api", "connector"]),
                "evidence": s_or_null(), "recorded_by": s(), "recorded_at": s(),
                "supersedes": json!({ "type": ["integer", "null"] }),
                "superseded_by": json!({ "type": ["integer", "null"] }),
            }),
        ),
    );
    add(
        "UploadedFile",
        json!({
            "type": "string",
            "format": "binary",
            "description": "The exported file as the tool wrote it (CSV, JSON or XML), UTF-8.",
        }),
    );
    add(
        "CollectResult",
        answer(
            &["connector", "period", "report", "figures", "written"],
            json!({
                "connector": s(),
                "period": s(),
                "report": described(json!({ "type": "object" }), "The connector's figures and counts (read, accepted, rejected, first_rejected), as `mieruka collect … --json` prints them."),
                "figures": described(arr(json!({ "type": "object" })), "The catalogue KPI figures: {kpi, business_unit, value: {kind: ratio|progress|mean_duration, …}}."),
                "written": described(json!({ "type": ["object", "null"] }), "With write=true: {period, added, already_recorded, unmatched, evidence}."),
            }),
        ),
    );
}
