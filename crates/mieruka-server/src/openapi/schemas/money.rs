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
        "LossInputsRevision",
        answer(
            &["revision", "inputs"],
            json!({
                "revision": described(json!({ "type": ["integer", "null"] }), "Null: none set yet; `inputs` is the template."),
                "inputs": r("LossInputs"), "reason": s_or_null(), "created_by": s_or_null(), "created_at": s_or_null(),
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
}
