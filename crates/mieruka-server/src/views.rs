//! The API's own JSON shapes for what the store returns. The shapes the command line prints too
//! (`--json`: organisations, units, plans, the grid, recommendations, loss, risks, simulations)
//! are built once, in `mieruka-app`.

use mieruka_store::access::ApiToken;
use serde_json::{Value, json};

/// An API token as listed at `now`: never its secret.
pub fn token_json(t: &ApiToken, now: mieruka_domain::Timestamp) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "prefix": t.prefix,
        "scopes": t.scopes,
        "created_at": t.created_at,
        "last_used_at": t.last_used_at,
        "revoked": t.revoked,
        "expires_at": t.expires_at,
        "expired": t.expired(now),
    })
}

/// The loss model's inputs in force (or, before any are set, the template to start from).
pub fn loss_inputs_json(stored: Option<&mieruka_store::loss::StoredLossInputs>) -> Value {
    match stored {
        Some(s) => json!({
            "revision": s.revision,
            "inputs": s.inputs,
            "reason": s.reason,
            "created_by": s.created_by,
            "created_at": s.created_at,
        }),
        None => json!({
            "revision": null,
            "inputs": mieruka_domain::loss::LossInputs::template(),
            "reason": null,
            "created_by": null,
            "created_at": null,
        }),
    }
}
