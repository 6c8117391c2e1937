//! Schemas of organisations, units, KPIs, plans, status and measurements.

use serde_json::{Value, json};

use super::*;

/// What an organisation's `time_zone` is.
const TIME_ZONE: &str = "An IANA time zone (Asia/Tokyo, UTC, Europe/London…) in which the organisation's times written without a zone are counted; default Asia/Tokyo.";

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
        "NewOrganisation",
        body(
            &["code", "name"],
            json!({
                "code": described(s(), "1–40 of a–z, 0–9 and -, starting with a letter."),
                "name": s(),
                "maturity": one_of(MATURITY),
                "fiscal_start_month": described(int_in(1, 12), "1–12, default 4."),
                "time_zone": described(s(), TIME_ZONE),
            }),
        ),
    );
    add(
        "OrganisationChange",
        body(
            &[],
            json!({ "maturity": one_of(MATURITY), "time_zone": described(s(), TIME_ZONE) }),
        ),
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
    let count = int_in_or_null(0, i64::MAX as u64);
    add(
        "NewUnit",
        body(
            &["code", "name", "kind"],
            json!({
                "code": s(), "name": s(), "kind": one_of(UNIT_KINDS),
                "parent": described(s_or_null(), "The parent unit's code."),
                "maturity": or_null(one_of(MATURITY)),
                "employees": count, "it_staff": count, "security_staff": count,
                "annual_revenue_yen": count, "it_budget_yen": count, "security_budget_yen": count,
                "industry": s_or_null(),
            }),
        ),
    );
    add(
        "UnitChange",
        body(
            &[],
            json!({
                "maturity": or_null(one_of(MATURITY)),
                "name": s(),
                "facts": json!({
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "employees": count, "it_staff": count, "security_staff": count,
                        "annual_revenue_yen": count, "it_budget_yen": count,
                        "security_budget_yen": count, "industry": s_or_null(),
                    },
                }),
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
        "KpiDefinitionInput",
        described(
            {
                // The catalogue's fields, as `RawKpi` reads them; any other is refused.
                let text = json!({ "type": "object", "additionalProperties": false,
                    "properties": { "ja": s(), "en": s() } });
                body(
                    &[],
                    json!({
                        "id": s(), "source": s(), "name": text.clone(), "group": text.clone(),
                        "measure_kind": s(), "maturity": s(), "direction": s(),
                        "measure_type": s(), "frequency": s(), "data_source": text.clone(),
                        "formula": json!({ "type": "object" }),
                        "targets": arr(json!({ "type": "object" })),
                        "grid_cell": json!({ "type": "object" }), "example_of": text.clone(),
                        "related": arr(s()), "may_exceed_100": boolean(), "note": text,
                    }),
                )
            },
            "An own KPI with the catalogue's fields (docs/catalogue.md): id, name {ja, en}, measure_kind, maturity, direction, measure_type, frequency, formula, targets…; source defaults to own. Every problem is reported with its field.",
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
        "PlanTarget",
        body(&["value"], json!({ "part": s_or_null(), "value": num() })),
    );
    add(
        "TrajectoryPoint",
        body(
            &["month", "value"],
            json!({ "month": described(s(), "YYYY-MM"), "value": num() }),
        ),
    );
    add(
        "Effect",
        body(
            &["lever", "to"],
            json!({ "lever": one_of(LEVERS), "to": num() }),
        ),
    );
    add(
        "Purpose",
        body(
            &["text"],
            json!({ "text": s(), "reduces": arr(one_of(LOSS_CATEGORIES)), "effects": arr(r("Effect")) }),
        ),
    );
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
        "NewPlan",
        body(
            &["period", "kpi", "purpose", "units"],
            json!({
                "period": described(s(), "FY2026, FY2026-H2, FY2026-Q3, a stored custom period, or a new custom one named here with from and to."),
                "from": or_null(date()), "to": or_null(date()),
                "kpi": described(s(), "A KPI id from the catalogue or the organisation's own."),
                "targets": described(or_null(arr(r("PlanTarget"))), "Default: the KPI's own targets."),
                "baseline": num_or_null(),
                "deadline": described(or_null(date()), "Default: the period's last day."),
                "trajectory": arr(r("TrajectoryPoint")),
                "purpose": r("Purpose"),
                "units": described(arr(s()), "Codes of the units in scope."),
                "owner": described(s_or_null(), "Default: the caller."),
            }),
        ),
    );
    add(
        "PlanChange",
        body(
            &["reason"],
            json!({
                "reason": s(), "targets": arr(r("PlanTarget")), "baseline": num_or_null(),
                "deadline": date(), "trajectory": arr(r("TrajectoryPoint")),
                "purpose": body(&[], json!({ "text": s(), "reduces": arr(one_of(LOSS_CATEGORIES)), "effects": arr(r("Effect")) })),
                "units": arr(s()), "owner": s(),
            }),
        ),
    );
    add(
        "Agreement",
        body(
            &["by"],
            json!({ "by": described(s(), "Who among the executives agreed."), "on": described(or_null(date()), "Default: today.") }),
        ),
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
    let value_fields = json!({
        "part": described(s_or_null(), "A compound KPI's part."),
        "numerator": num_or_null(), "denominator": num_or_null(),
        "actual": described(num_or_null(), "A progress KPI's actual (実績値)."),
        "plan": described(num_or_null(), "A progress KPI's plan (計画値)."),
        "value": described(num_or_null(), "A count or a score."),
        "mean_hours": num_or_null(), "events": num_or_null(), "effort_hours": num_or_null(),
        "evidence": described(s_or_null(), "A note or a link to the evidence."),
    });
    let mut input = value_fields.clone();
    input["unit"] = described(s(), "The unit's code.");
    input["date"] = described(s(), "YYYY-MM-DD, inside the plan's period.");
    add(
        "MeasurementInput",
        described(
            body(&["unit", "date"], input),
            "Which value fields are needed depends on the KPI's formula: ratio and compound parts — numerator, denominator; progress — actual, plan; count and score — value; mean duration — mean_hours (with events, default 1) and optionally effort_hours.",
        ),
    );
    let mut correction = value_fields;
    correction["date"] = described(s_or_null(), "Default: the corrected measurement's.");
    add(
        "Correction",
        described(
            body(&[], correction),
            "The new value for the same plan and unit; part defaults to the corrected measurement's.",
        ),
    );
    add(
        "MeasurementRows",
        json!({ "type": "array", "items": r("MeasurementInput"), "minItems": 1 }),
    );
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
        "ImportReport",
        answer(
            &[
                "rows",
                "added",
                "would_add",
                "already_recorded",
                "invalid",
                "dry_run",
            ],
            json!({
                "rows": int(), "added": int(), "would_add": int(),
                "already_recorded": described(int(), "Rows skipped because the same measurement is recorded."),
                "invalid": arr(r("RowProblem")), "dry_run": boolean(),
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
