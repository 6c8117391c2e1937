//! The API's own JSON shapes for what the store returns. The shapes the command line prints too
//! (`--json`: organisations, units, plans, the grid, recommendations, loss, risks, simulations)
//! are built once, in `mieruka-app`.

use mieruka_store::periods::StoredPeriod;
use serde_json::{Value, json};

pub fn period_json(p: &StoredPeriod) -> Value {
    json!({ "code": p.code, "kind": p.kind, "start": p.start, "end": p.end })
}
