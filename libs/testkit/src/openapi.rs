//! QUALITY.md checks 1–3 generated from a service's OpenAPI document, so a new route
//! is covered the day it lands: its operations, calls with their examples, and the
//! checks of documented examples.

use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

/// One documented operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// HTTP method.
    pub method: Method,
    /// Path template, e.g. `/api/v1/tickets/{id}`.
    pub path: String,
    /// `None` for public operations; `Some("")` for "any tenant token".
    pub scope: Option<String>,
    /// The request body example (`{}` when none).
    pub example: Value,
    /// Whether the operation documents a JSON request body.
    pub has_body: bool,
    /// Whether the document marks the operation public (`security: [{}]`).
    pub public: bool,
    /// Whether the operation takes an `If-Match` header (a versioned write).
    pub takes_if_match: bool,
}

/// The schema `value` refers to, or `value` itself.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            &doc["components"]["schemas"][name]
        }
        None => value,
    }
}

/// Every operation of an OpenAPI document.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let security = op["security"].as_array().cloned().unwrap_or_default();
            let scope = security.iter().find_map(|s| s.get("bearer")).map(|scopes| {
                scopes
                    .as_array()
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            });
            let body = &op["requestBody"]["content"]["application/json"];
            let example = body
                .get("example")
                .cloned()
                .or_else(|| resolve(doc, &body["schema"]).get("example").cloned())
                .unwrap_or(json!({}));
            let has_body = body.is_object();
            let public = security
                .iter()
                .any(|s| s.as_object().is_some_and(|o| o.is_empty()));
            let takes_if_match = op["parameters"].as_array().is_some_and(|params| {
                params.iter().any(|p| {
                    p["in"] == "header"
                        && p["name"]
                            .as_str()
                            .is_some_and(|n| n.eq_ignore_ascii_case("if-match"))
                })
            });
            out.push(Operation {
                public,
                takes_if_match,
                method,
                path: path.clone(),
                scope,
                example,
                has_body,
            });
        }
    }
    out
}

/// Calls `op` at `path` (its example as the body of writes).
pub async fn call(client: &crate::TestClient, op: &Operation, path: &str) -> crate::TestResponse {
    let builder = client.request(op.method.clone(), path);
    let builder = if op.method == Method::GET || op.method == Method::DELETE {
        builder
    } else {
        builder.json(&op.example)
    };
    client.send(builder).await
}

/// Every tenant scope a token can hold.
pub fn tenant_scopes() -> Vec<&'static str> {
    kefu_platform::auth::scopes::ALL
        .iter()
        .copied()
        .filter(|s| *s != "platform:admin")
        .collect()
}

/// Why `example` does not fit `schema` (a `$ref`, `allOf` of flattened parts, `oneOf`, or
/// a typed schema), one message per mismatch; empty when it fits.
pub fn example_mismatches(doc: &Value, schema: &Value, example: &Value, at: &str) -> Vec<String> {
    let schema = resolve(doc, schema);
    if let Some(branches) = schema["oneOf"].as_array() {
        let misfits: Vec<Vec<String>> = branches
            .iter()
            .map(|b| example_mismatches(doc, b, example, at))
            .collect();
        return if misfits.iter().any(Vec::is_empty) {
            vec![]
        } else {
            misfits.concat()
        };
    }
    // `allOf` (serde flatten) and plain objects: one object with the union of the properties.
    let parts: Vec<&Value> = match schema["allOf"].as_array() {
        Some(parts) => parts.iter().map(|p| resolve(doc, p)).collect(),
        None => vec![schema],
    };
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for part in &parts {
        properties.extend(part["properties"].as_object().cloned().unwrap_or_default());
        required.extend(part["required"].as_array().cloned().unwrap_or_default());
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ if !properties.is_empty() => vec!["object"],
        _ => return vec![],
    };
    let actual = match example {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let fits = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
    if !fits {
        return vec![format!("{at}: a {actual}, documented as {types:?}")];
    }
    let mut out = Vec::new();
    match example {
        Value::String(text) => {
            let parses = match schema["format"].as_str() {
                Some("uuid") => Uuid::parse_str(text).is_ok(),
                Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
                _ => true,
            };
            if !parses {
                out.push(format!("{at}: {text:?} is not a {}", schema["format"]));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                out.extend(example_mismatches(
                    doc,
                    &schema["items"],
                    item,
                    &format!("{at}[{i}]"),
                ));
            }
        }
        Value::Object(fields) if !properties.is_empty() => {
            for name in required.iter().filter_map(Value::as_str) {
                if !fields.contains_key(name) {
                    out.push(format!("{at}: lacks required `{name}`"));
                }
            }
            for (name, value) in fields {
                match properties.get(name) {
                    Some(property) => out.extend(example_mismatches(
                        doc,
                        property,
                        value,
                        &format!("{at}.{name}"),
                    )),
                    None => out.push(format!("{at}: `{name}` is not a documented property")),
                }
            }
        }
        _ => {}
    }
    out
}

/// PRODUCT.md §5: every operation that answers a JSON body documents an example of it,
/// on the media type or on the (resolved) schema, and the example fits the schema.
///
/// How many JSON responses of `doc` document an example, or the first that does not
/// (or whose example does not fit its schema).
pub fn check_response_examples(doc: &Value) -> Result<usize, String> {
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('2')) {
                let Some(content) = response["content"].as_object() else {
                    continue; // 202/204 without a body
                };
                for (media_type, media) in content.iter().filter(|(t, _)| t.contains("json")) {
                    let at = format!("{} {path} {status} {media_type}", method.to_uppercase());
                    let schema = resolve(doc, &media["schema"]);
                    let example = media
                        .get("example")
                        .or_else(|| {
                            media["examples"]
                                .as_object()
                                .and_then(|e| e.values().next())
                                .map(|e| &e["value"])
                        })
                        .or_else(|| schema.get("example"))
                        .or_else(|| schema["examples"].as_array().and_then(|e| e.first()));
                    let Some(example) = example else {
                        return Err(format!("{at} documents no example of its response body"));
                    };
                    let mismatches = example_mismatches(doc, &media["schema"], example, "example");
                    if !mismatches.is_empty() {
                        return Err(format!(
                            "{at}: the example does not fit the schema: {mismatches:#?}"
                        ));
                    }
                    checked += 1;
                }
            }
        }
    }
    Ok(checked)
}
