//! JSON Schemas of the values written by hand in serde (`Date` is a `YYYY-MM-DD` string). The
//! structs derive theirs (`schemars::JsonSchema`) beside `Serialize`/`Deserialize`; the
//! vocabularies get theirs from `vocabulary!`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::date::Date;

impl JsonSchema for Date {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date" })
    }
}
