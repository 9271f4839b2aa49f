//! Tenant-defined ticket fields: their types and how a value is checked.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// The type of a custom field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Free text, up to 2 000 characters.
    Text,
    /// A number.
    Number,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// One of the field's options.
    Enum,
}

impl FieldType {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::Enum => "enum",
        }
    }

    /// The type named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [
            FieldType::Text,
            FieldType::Number,
            FieldType::Date,
            FieldType::Enum,
        ]
        .into_iter()
        .find(|t| t.as_str() == name)
    }
}

/// What a value is checked against.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    /// The field's key.
    pub key: String,
    /// Its type.
    pub field_type: FieldType,
    /// The allowed values of an enum.
    pub options: Vec<String>,
    /// Whether a ticket must have it.
    pub required: bool,
}

/// Why a value does not fit its field.
pub fn check_value(spec: &FieldSpec, value: &Value) -> Result<(), String> {
    match (spec.field_type, value) {
        (FieldType::Text, Value::String(s)) if s.chars().count() <= 2_000 => Ok(()),
        (FieldType::Text, Value::String(_)) => Err("must be at most 2000 characters".into()),
        (FieldType::Number, Value::Number(n)) if n.as_f64().is_some_and(f64::is_finite) => Ok(()),
        (FieldType::Date, Value::String(s)) if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {
            Ok(())
        }
        (FieldType::Enum, Value::String(s)) if spec.options.iter().any(|o| o == s) => Ok(()),
        (FieldType::Enum, _) => Err(format!("must be one of: {}", spec.options.join(", "))),
        (FieldType::Date, _) => Err("must be a date as YYYY-MM-DD".into()),
        (FieldType::Number, _) => Err("must be a number".into()),
        (FieldType::Text, _) => Err("must be text".into()),
    }
}

/// Applies `changes` (a `null` removes a value) to `current` and checks the result
/// against `specs`; errors are `(field path, message)` pairs, e.g. `custom_fields.model`.
pub fn apply(
    specs: &[FieldSpec],
    current: &BTreeMap<String, Value>,
    changes: &BTreeMap<String, Value>,
    creating: bool,
) -> Result<BTreeMap<String, Value>, Vec<(String, String)>> {
    let mut next = current.clone();
    let mut errors = Vec::new();
    for (key, value) in changes {
        let path = format!("custom_fields.{key}");
        match specs.iter().find(|s| &s.key == key) {
            None => errors.push((path, "is not a custom field of this tenant".into())),
            Some(_) if value.is_null() => {
                next.remove(key);
            }
            Some(spec) => match check_value(spec, value) {
                Ok(()) => {
                    next.insert(key.clone(), value.clone());
                }
                Err(message) => errors.push((path, message)),
            },
        }
    }
    // A required field is demanded on create, and may not be removed later.
    for spec in specs.iter().filter(|s| s.required) {
        let removed = changes.get(&spec.key).is_some_and(Value::is_null);
        let path = format!("custom_fields.{}", spec.key);
        let named = errors.iter().any(|(p, _)| p == &path);
        if !next.contains_key(&spec.key) && (creating || removed) && !named {
            errors.push((path, "is required".into()));
        }
    }
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn specs() -> Vec<FieldSpec> {
        vec![
            FieldSpec {
                key: "model".into(),
                field_type: FieldType::Enum,
                options: vec!["X100".into(), "X200".into()],
                required: true,
            },
            FieldSpec {
                key: "meter".into(),
                field_type: FieldType::Number,
                options: vec![],
                required: false,
            },
            FieldSpec {
                key: "installed".into(),
                field_type: FieldType::Date,
                options: vec![],
                required: false,
            },
        ]
    }

    fn map(value: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn values_are_checked_by_type() {
        let ok = apply(
            &specs(),
            &BTreeMap::new(),
            &map(json!({"model": "X100", "meter": 1200.5, "installed": "2026-01-31"})),
            true,
        );
        assert!(ok.is_ok());
        let errors = apply(&specs(), &BTreeMap::new(), &map(json!({"model": "X999", "meter": "many", "installed": "31/01/2026", "colour": "red"})), true).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "custom_fields.colour",
                "custom_fields.installed",
                "custom_fields.meter",
                "custom_fields.model"
            ]
        );
    }

    #[test]
    fn required_fields_are_demanded_on_create_and_kept_after() {
        let missing =
            apply(&specs(), &BTreeMap::new(), &map(json!({"meter": 1})), true).unwrap_err();
        assert_eq!(missing[0].0, "custom_fields.model");
        let current = map(json!({"model": "X100", "meter": 1}));
        let cleared = apply(&specs(), &current, &map(json!({"meter": null})), false).unwrap();
        assert_eq!(cleared, map(json!({"model": "X100"})));
        assert!(apply(&specs(), &current, &map(json!({"model": null})), false).is_err());
        // Tickets from before the field became required are not blocked by other edits.
        assert!(apply(&specs(), &BTreeMap::new(), &map(json!({"meter": 2})), false).is_ok());
    }
}
