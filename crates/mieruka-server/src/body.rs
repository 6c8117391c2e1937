//! JSON request bodies whose errors name the field: a wrong type or a missing field is a 400
//! with `field` set, never a 500. Every string in a body (and every key) is checked with the
//! domain's rule for text from outside (`mieruka_domain::text::check_text`: no NUL or other
//! control character but tab and line breaks) before a handler sees it, naming the field. The
//! field at fault is serde's path to it (`serde_path_to_error`: `rows[2].value`); a body's type
//! is also what the OpenAPI document describes it with (`schemars::JsonSchema`).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use schemars::{JsonSchema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// Like `axum::Json`, answering bad bodies with the API's error shape.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    T: DeserializeOwned + JsonSchema,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::Invalid {
                field: None,
                reason: "send the body as JSON (Content-Type: application/json)".into(),
            });
        }
        let bytes = match Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::TooLarge);
            }
            Err(_) => {
                return Err(ApiError::Invalid {
                    field: None,
                    reason: "the body could not be read".into(),
                });
            }
        };
        // JSON first (a syntax error is answered by the typed parse).
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(raw) => from_value(raw).map(Body),
            Err(_) => parse(&bytes).map(Body),
        }
    }
}

/// Reads a JSON value as a body of type `T`: its texts are checked as written, a whole number
/// written with a fraction (`42.0`, which JSON Schema's `integer` allows) is read as the integer
/// it is, and an array is taken only where `T` is a list.
pub fn from_value<T: DeserializeOwned + JsonSchema>(mut raw: Value) -> Result<T, ApiError> {
    // serde reads a struct from an array too (`[null, null]` as its fields in order): a body is
    // an array only where a list is taken.
    if raw.is_array() && !takes_list::<T>() {
        return Err(ApiError::Invalid {
            field: None,
            reason: "send a JSON object, not an array".into(),
        });
    }
    check_texts(&raw, &mut String::new())?;
    whole_numbers(&mut raw);
    let bytes = serde_json::to_vec(&raw).map_err(|e| {
        ApiError::Internal(format!("a parsed body could not be written again: {e}"))
    })?;
    parse(&bytes)
}

/// Whether `T`'s JSON is an array, as its schema says.
fn takes_list<T: JsonSchema>() -> bool {
    let schema = T::json_schema(&mut SchemaGenerator::default());
    schema.get("type").and_then(Value::as_str) == Some("array")
}

/// Reads a body into `T`: serde's path to the value at fault (`serde_path_to_error`) is the
/// field, and serde's own words are the reason.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let syntax = || ApiError::Invalid {
        field: None,
        reason: "the body is not valid JSON".into(),
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => v,
        Err(e) => {
            return Err(match e.inner().classify() {
                serde_json::error::Category::Data => {
                    data_error(&e.path().to_string(), &e.inner().to_string())
                }
                _ => syntax(),
            });
        }
    };
    // Anything but white space after the value is not JSON.
    de.end().map_err(|_| syntax())?;
    Ok(value)
}

/// Whether the request says its body is JSON (`application/json`, or a `+json` type).
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Turns every number with no fractional part that an integer can hold (`42.0`, `-3e2`) into that
/// integer, so an integer field accepts it as JSON Schema's `integer` does; a float field reads
/// the integer back as the same number.
pub fn whole_numbers(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // Exactly representable and in range: below 2^63 for i64, below 2^64 for u64.
            const I64: std::ops::Range<f64> =
                -9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0;
            const U64: std::ops::Range<f64> = 0.0..18_446_744_073_709_551_616.0;
            if f.fract() == 0.0 && I64.contains(&f) {
                *v = Value::from(f as i64);
            } else if f.fract() == 0.0 && U64.contains(&f) {
                *v = Value::from(f as u64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// Checks every string and key of a JSON value with the domain's rule for text, naming the
/// first one refused by its path as serde names fields (`purpose.text`, `[2].evidence`).
pub fn check_texts(v: &Value, path: &mut String) -> Result<(), ApiError> {
    let refuse = |path: &str, reason: String| ApiError::Invalid {
        field: Some(if path.is_empty() {
            ".".into()
        } else {
            path.to_string()
        }),
        reason,
    };
    match v {
        Value::String(s) => {
            mieruka_domain::text::check_text(s).map_err(|e| refuse(path, e))?;
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_texts(item, path)?;
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                if let Err(e) = mieruka_domain::text::check_text(k) {
                    // A key cannot be shown as a field: it is the text at fault.
                    path.truncate(len);
                    return Err(refuse(path, format!("a field name {e}")));
                }
                path.push_str(k);
                check_texts(item, path)?;
                path.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// The error for a body of the wrong shape. `path` is serde's path to the value at fault (`.` for
/// the top level); a missing or unknown field is named in the reason, so it is added to the path.
pub fn data_error(path: &str, reason: &str) -> ApiError {
    let reason = strip_position(reason);
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| reason.strip_prefix(p))
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    let path = path.trim_start_matches('.');
    // An unknown field's path already ends with it; a missing field's is its parent's.
    let field = match (path.is_empty(), named) {
        (true, Some(name)) => Some(name.to_string()),
        (true, None) => None,
        (false, Some(name)) if path != name && !path.ends_with(&format!(".{name}")) => {
            Some(format!("{path}.{name}"))
        }
        (false, _) => Some(path.to_string()),
    };
    ApiError::Invalid {
        field,
        reason: reason.to_string(),
    }
}

/// Drops serde_json's " at line L column C": the field says where.
fn strip_position(reason: &str) -> &str {
    match reason.rfind(" at line ") {
        Some(i)
            if reason[i + 9..]
                .split(' ')
                .all(|w| w == "column" || w.chars().all(|c| c.is_ascii_digit())) =>
        {
            &reason[..i]
        }
        _ => reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: ApiError) -> (Option<String>, String) {
        match e {
            ApiError::Invalid { field, reason } => (field, reason),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fields_are_named_at_any_depth() {
        assert_eq!(
            field_of(data_error(
                "numerator",
                "invalid type: string \"x\", expected f64 at line 1 column 20"
            )),
            (
                Some("numerator".into()),
                "invalid type: string \"x\", expected f64".into()
            )
        );
        assert_eq!(
            field_of(data_error(".", "missing field `reason` at line 1 column 2")).0,
            Some("reason".into())
        );
        assert_eq!(
            field_of(data_error(
                "inputs",
                "unknown field `colour`, expected one of …"
            ))
            .0,
            Some("inputs.colour".into())
        );
        assert_eq!(field_of(data_error(".", "expected a map")).0, None);
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Row {
        value: f64,
        note: Option<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Rows {
        rows: Vec<Row>,
        purpose: Purpose,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Purpose {
        text: String,
    }

    #[test]
    fn a_body_names_the_field_at_fault_by_its_path() {
        let bad = |body: &str| field_of(parse::<Rows>(body.as_bytes()).unwrap_err());
        let (field, reason) =
            bad(r#"{"rows": [{"value": 1}, {"value": "x"}], "purpose": {"text": ""}}"#);
        assert_eq!(field.as_deref(), Some("rows[1].value"));
        assert!(reason.starts_with("invalid type: string"), "{reason}");
        assert!(!reason.contains(" at line "), "{reason}");
        assert_eq!(
            bad(r#"{"rows": [], "purpose": {}}"#).0.as_deref(),
            Some("purpose.text")
        );
        assert_eq!(
            bad(r#"{"rows": [{"value": 1, "colour": 2}], "purpose": {"text": ""}}"#)
                .0
                .as_deref(),
            Some("rows[0].colour")
        );
        assert_eq!(
            bad(r#"{"purpose": {"text": ""}}"#).0.as_deref(),
            Some("rows")
        );
        assert_eq!(
            bad(r#"{"rows": [], "purpose": {"text": ""}} x"#),
            (None, "the body is not valid JSON".to_string())
        );
        assert_eq!(bad(r#"{"rows": ["#).0, None);
        assert!(
            parse::<Rows>(
                br#"{"rows": [{"value": 2.5, "note": null}], "purpose": {"text": "t"}} "#
            )
            .is_ok()
        );
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_are_integers() {
        let mut v = serde_json::json!({"a": 42.0, "b": [-3e2, 1.5, 2], "c": 1e300, "d": 1.8446744073709552e19});
        whole_numbers(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": 42, "b": [-300, 1.5, 2], "c": 1e300, "d": 1.8446744073709552e19})
        );
        assert!(v["a"].is_i64());
    }

    #[test]
    fn control_characters_are_refused_with_their_field() {
        let body = serde_json::json!({
            "purpose": { "text": "ok\r\n\tfine" },
            "rows": [{ "evidence": "fine" }, { "evidence": "bad\u{0}" }],
        });
        let (field, reason) = field_of(check_texts(&body, &mut String::new()).unwrap_err());
        assert_eq!(field.as_deref(), Some("rows[1].evidence"));
        assert!(reason.contains("U+0000"), "{reason}");
        let top = serde_json::json!([{ "name": "x" }, { "name": "\u{7}" }]);
        assert_eq!(
            field_of(check_texts(&top, &mut String::new()).unwrap_err())
                .0
                .as_deref(),
            Some("[1].name")
        );
        let key = serde_json::json!({ "a\u{0}": 1 });
        assert!(check_texts(&key, &mut String::new()).is_err());
        assert!(
            check_texts(
                &serde_json::json!({"a": [1, true, null, "t\tab"]}),
                &mut String::new()
            )
            .is_ok()
        );
    }
}
