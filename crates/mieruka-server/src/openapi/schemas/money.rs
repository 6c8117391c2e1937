//! Schemas of the loss model, the simulation and the business-risk register.

use serde_json::{Value, json};

use super::*;

pub(super) fn money(add: &mut impl FnMut(&str, Value)) {
    let breakdown = answer(
        &["categories", "total_yen", "indirect"],
        json!({ "categories": arr(json!({ "type": "object" })), "total_yen": num(), "indirect": arr(json!({ "type": "object" })) }),
    );
    add(
        "LossReport",
        answer(
            &[
                "org",
                "as_of",
                "inputs_revision",
                "now",
                "today",
                "after",
                "plans",
            ],
            json!({
                "org": s(), "as_of": date(), "inputs_revision": int(),
                "now": breakdown.clone(), "today": breakdown.clone(), "after": breakdown,
                "plans": arr(json!({ "type": "object" })),
            }),
        ),
    );
    add(
        "LossInputs",
        described(
            json!({ "type": "object", "required": ["people_held", "data_kinds", "identifiability", "outage_days", "fine", "response_items"] }),
            "The loss model's inputs (docs/loss.md): people_held, data_kinds, identifiability, outage_days, fine, response_items, and optional fields with documented defaults. Unknown fields are refused.",
        ),
    );
    add(
        "LossInputsRevision",
        answer(
            &["revision", "inputs"],
            json!({
                "revision": described(json!({ "type": ["integer", "null"] }), "Null: none set yet; `inputs` is the template."),
                "inputs": r("LossInputs"), "reason": s_or_null(), "created_by": s_or_null(), "created_at": s_or_null(),
            }),
        ),
    );
    add(
        "LossInputsChange",
        body(
            &["inputs", "reason"],
            json!({ "inputs": r("LossInputs"), "reason": s() }),
        ),
    );
    add(
        "Scenario",
        body(
            &["id", "annual_rate", "low_p5", "high_p95"],
            json!({
                "id": s(), "name": s(),
                "annual_rate": described(num(), "Events per year, 0–10,000."),
                "low_p5": described(num(), "One event's loss at its 5th percentile (> 0)."),
                "high_p95": described(num(), "One event's loss at its 95th percentile (> low_p5)."),
            }),
        ),
    );
    add(
        "SimulationRequest",
        body(
            &["scenarios"],
            json!({
                "scenarios": described(json!({ "type": "array", "items": r("Scenario"), "minItems": 1, "maxItems": mieruka_app::simulation::MAX_SCENARIOS }), "1–200 scenarios."),
                "trials": described(int_in(1, mieruka_app::simulation::MAX_TRIALS), "Simulated years, from 1 to the server's bound for the caller (simulate.max_trials for owners and administrators, default 1,000,000; simulate.max_trials_reader for others, default 100,000). Default 100,000, or the caller's bound when lower."),
                "seed": described(int_in(0, u64::MAX), "Default 2019."),
            }),
        ),
    );
    let sim = json!({
        "trials": int(), "seed": int(), "mean": num(), "analytic_mean": num(), "p50": num(),
        "p90": num(), "p95": num(), "p99": num(), "max": num(), "probability_of_loss": num(),
        "scenarios": arr(json!({ "type": "object" })),
        "curve": arr(answer(&["loss", "probability"], json!({ "loss": num(), "probability": num() }))),
    });
    add(
        "Simulation",
        answer(
            &[
                "trials", "seed", "mean", "p50", "p90", "p95", "p99", "curve",
            ],
            sim.clone(),
        ),
    );
    let mut labelled = sim;
    labelled["label"] = one_of(&["now", "after"]);
    add(
        "OrgSimulation",
        answer(
            &["trials", "seed", "portfolios", "org", "as_of"],
            json!({ "trials": int(), "seed": int(), "org": s(), "as_of": date(), "portfolios": arr(answer(&["label"], labelled)) }),
        ),
    );
    let cell = or_null(answer(
        &["probability", "impact"],
        json!({ "probability": int(), "impact": int() }),
    ));
    add(
        "Risk",
        answer(
            &[
                "number",
                "code",
                "name",
                "category",
                "probability",
                "cyber",
                "cell",
            ],
            json!({
                "number": int(), "code": s(), "name": s(), "category": s(), "probability": int(),
                "impact": json!({ "type": ["integer", "null"] }), "impact_yen": json!({ "type": ["integer", "null"] }),
                "cyber": boolean(), "owner": s_or_null(), "note": s_or_null(), "cell": cell.clone(), "cell_after": cell,
            }),
        ),
    );
    add(
        "RiskInput",
        described(
            body(
                &["name", "category", "probability"],
                json!({
                    "name": s(), "category": s(), "probability": described(int_in(1, 5), "1–5"),
                    "impact": described(int_in_or_null(1, 5), "1–5"),
                    "impact_yen": int_in_or_null(0, mieruka_domain::risk::MAX_YEN as u64),
                    "cyber": described(boolean(), "The impact is the loss model's (one risk per organisation)."),
                    "owner": s_or_null(), "note": s_or_null(),
                }),
            ),
            "Exactly one of impact, impact_yen and cyber: true.",
        ),
    );
    add("Removed", answer(&["removed"], json!({ "removed": s() })));
}
