//! The schema of an uploaded file (the answers about organisations, KPIs, plans, status and
//! measurements are derived from their types).

use serde_json::{Value, json};

pub(super) fn measurements(add: &mut impl FnMut(&str, Value)) {
    add(
        "UploadedFile",
        json!({
            "type": "string",
            "format": "binary",
            "description": "The exported file as the tool wrote it (CSV, JSON or XML), UTF-8.",
        }),
    );
}
