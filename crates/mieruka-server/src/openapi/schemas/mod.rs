//! The component schemas of the OpenAPI document: request bodies field by field (as the
//! handlers' types read them, unknown fields refused) and the answers' main fields. One module
//! per group of resources; the helpers here build JSON Schema values.

mod access;
mod money;
mod reports;
mod work;

use serde_json::{Map, Value, json};

pub(super) fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}
pub(super) fn s() -> Value {
    json!({ "type": "string" })
}
pub(super) fn s_or_null() -> Value {
    json!({ "type": ["string", "null"] })
}
pub(super) fn int() -> Value {
    json!({ "type": "integer" })
}
/// A whole number the server accepts from `min` to `max` (request bodies declare both, so a
/// value the document allows is one the handler parses).
pub(super) fn int_in(min: i64, max: u64) -> Value {
    json!({ "type": "integer", "minimum": min, "maximum": max })
}
/// [`int_in`], or null.
pub(super) fn int_in_or_null(min: i64, max: u64) -> Value {
    json!({ "type": ["integer", "null"], "minimum": min, "maximum": max })
}
pub(super) fn num() -> Value {
    json!({ "type": "number" })
}
pub(super) fn num_or_null() -> Value {
    json!({ "type": ["number", "null"] })
}
pub(super) fn boolean() -> Value {
    json!({ "type": "boolean" })
}
pub(super) fn date() -> Value {
    json!({ "type": "string", "format": "date" })
}
pub(super) fn arr(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}
pub(super) fn one_of(codes: &[&str]) -> Value {
    json!({ "type": "string", "enum": codes })
}
pub(super) fn or_null(v: Value) -> Value {
    json!({ "anyOf": [v, { "type": "null" }] })
}
pub(super) fn described(mut v: Value, d: &str) -> Value {
    v["description"] = json!(d);
    v
}

/// An object with these properties, of which `required` must be given; no others are accepted
/// when `closed` (request bodies).
pub(super) fn obj(required: &[&str], props: Value, closed: bool) -> Value {
    let mut o = json!({ "type": "object", "required": required, "properties": props });
    if closed {
        o["additionalProperties"] = json!(false);
    }
    o
}
/// A request body: its optional fields also take null, which the handlers read as absent (an
/// `Option`), so the document allows what the server accepts.
pub(super) fn body(required: &[&str], mut props: Value) -> Value {
    if let Some(map) = props.as_object_mut() {
        for (name, v) in map.iter_mut() {
            if !required.contains(&name.as_str()) && !takes_null(v) {
                *v = or_null(v.take());
            }
        }
    }
    obj(required, props, true)
}

fn takes_null(v: &Value) -> bool {
    match &v["type"] {
        Value::String(t) if t == "null" => return true,
        Value::Array(ts) if ts.iter().any(|t| t == "null") && v.get("enum").is_none() => {
            return true;
        }
        _ => {}
    }
    v["anyOf"]
        .as_array()
        .is_some_and(|alts| alts.iter().any(takes_null))
}
pub(super) fn answer(required: &[&str], props: Value) -> Value {
    obj(required, props, false)
}

pub(super) const MATURITY: &[&str] = &["initial", "improving", "optimising"];
pub(super) const UNIT_KINDS: &[&str] =
    &["company", "subsidiary", "overseas_subsidiary", "department"];
pub(super) const LOSS_CATEGORIES: &[&str] = &["theft", "interruption", "fine", "response"];
pub(super) const LEVERS: &[&str] = &[
    "identifiability",
    "people_held",
    "outage_days",
    "affected_revenue_share",
    "response_cost_factor",
];

/// Every component schema, by name.
pub fn all() -> Value {
    let mut m = Map::new();
    let mut add = |name: &str, v: Value| {
        m.insert(name.to_string(), v);
    };
    add(
        "Error",
        answer(
            &["code", "message", "field"],
            json!({
                "code": one_of(&["unauthenticated", "forbidden", "csrf", "not_found", "invalid", "invalid_rows",
                    "conflict", "too_large", "throttled", "busy", "no_route", "method_not_allowed", "internal"]),
                "message": s(),
                "field": described(s_or_null(), "The request field at fault (a dotted path: `purpose.text`, `targets[0].value`), or null."),
                "problems": described(arr(r("RowProblem")), "With `invalid_rows`: every bad row."),
            }),
        ),
    );
    add(
        "RowProblem",
        answer(
            &["row", "field", "reason"],
            json!({ "row": described(int(), "1-based"), "field": s_or_null(), "reason": s() }),
        ),
    );
    add(
        "Page",
        answer(
            &["items", "total", "limit", "offset"],
            json!({ "items": arr(json!({})), "total": int(), "limit": int(), "offset": int() }),
        ),
    );
    add("Object", json!({ "type": "object" }));
    add(
        "Text",
        answer(&["ja", "en"], json!({ "ja": s(), "en": s() })),
    );
    add(
        "Health",
        answer(
            &["status", "schema_version"],
            json!({ "status": s(), "schema_version": int() }),
        ),
    );
    access::sessions(&mut add);
    work::organisations(&mut add);
    work::plans(&mut add);
    work::measurements(&mut add);
    money::money(&mut add);
    reports::reports(&mut add);
    access::accounts(&mut add);
    Value::Object(m)
}
