//! The few component schemas that are not a Rust type's: a page of a list (each list's items
//! are derived from their type), any JSON object, and an uploaded file. Every other schema is
//! derived from the types the server reads and writes (`openapi::build`).

use serde_json::{Map, Value, json};

/// Every component schema written here, by name.
pub fn all() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "Page".into(),
        json!({
            "type": "object",
            "required": ["items", "total", "limit", "offset"],
            "properties": {
                "items": { "type": "array", "items": {} },
                "total": { "type": "integer" },
                "limit": { "type": "integer" },
                "offset": { "type": "integer" },
            },
        }),
    );
    m.insert("Object".into(), json!({ "type": "object" }));
    m.insert(
        "UploadedFile".into(),
        json!({
            "type": "string",
            "format": "binary",
            "description": "The exported file as the tool wrote it (CSV, JSON or XML), UTF-8.",
        }),
    );
    m
}
