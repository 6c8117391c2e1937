//! The component schemas of the answers, written by hand: their main fields. (Request bodies'
//! schemas are derived from their types, `openapi::build`.) One module per group of resources;
//! the helpers here build JSON Schema values.

mod access;
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
/// A whole number from `min` to `max`.
pub(super) fn int_in(min: i64, max: u64) -> Value {
    json!({ "type": "integer", "minimum": min, "maximum": max })
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

/// An answer's object: these properties, of which `required` are always there.
pub(super) fn answer(required: &[&str], props: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": props })
}

pub(super) const MATURITY: &[&str] = &["initial", "improving", "optimising"];
pub(super) const UNIT_KINDS: &[&str] =
    &["company", "subsidiary", "overseas_subsidiary", "department"];

/// Every component schema written here (the answers), by name.
pub fn all() -> Map<String, Value> {
    let mut m = Map::new();
    let mut add = |name: &str, v: Value| {
        m.insert(name.to_string(), v);
    };
    add(
        "Page",
        answer(
            &["items", "total", "limit", "offset"],
            json!({ "items": arr(json!({})), "total": int(), "limit": int(), "offset": int() }),
        ),
    );
    add("Object", json!({ "type": "object" }));
    work::organisations(&mut add);
    work::plans(&mut add);
    work::measurements(&mut add);
    reports::reports(&mut add);
    access::accounts(&mut add);
    m
}
