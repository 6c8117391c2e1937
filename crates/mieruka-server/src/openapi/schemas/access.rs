//! Schemas of the audit log's answers.

use serde_json::{Value, json};

use super::*;

pub(super) fn accounts(add: &mut impl FnMut(&str, Value)) {
    add(
        "AuditPage",
        answer(
            &["items", "next_before"],
            json!({ "items": arr(json!({ "type": "object" })), "next_before": json!({ "type": ["integer", "null"] }) }),
        ),
    );
    add(
        "AuditVerdict",
        answer(
            &["ok"],
            json!({
                "ok": boolean(), "entries": int(), "last_hash": s(), "entry": int(), "problem": s(), "message": s(),
                "sealed": int(), "unsealed": int(), "unchecked": int(),
                "head": json!({ "type": ["integer", "null"] }),
                "recorded": json!({ "type": ["integer", "null"] }),
            }),
        ),
    );
}
