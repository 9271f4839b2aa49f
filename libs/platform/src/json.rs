//! A JSON body extractor whose errors name the offending field.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::{DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::error::{codes, ApiError, FieldError};
use crate::validation::{contains_nul, Validate, NUL_MESSAGE};

/// Largest JSON body a service accepts (the gateway enforces its own limit first).
pub const MAX_JSON_BODY: usize = 256 * 1024;

/// A JSON body, deserialised with field paths and then validated.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Json<T> {
    /// The inner value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Parses JSON bytes into `T`, mapping serde's error to a problem that names the field.
///
/// A string or object key holding U+0000 is refused (422 naming the field) before `T`
/// is built: PostgreSQL cannot store NUL in text, and no field has a use for it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    reject_nul(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => {
            de.end().map_err(|e| {
                ApiError::bad_request(codes::MALFORMED_JSON, format!("invalid JSON: {e}"))
            })?;
            Ok(value)
        }
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let field = if path == "." {
                "body".to_string()
            } else {
                path
            };
            let message = describe_serde_error(&inner);
            if inner.is_syntax() || inner.is_eof() {
                Err(ApiError::BadRequest {
                    code: codes::MALFORMED_JSON,
                    detail: format!("the body is not valid JSON: {inner}"),
                    errors: vec![FieldError::new(field, message)],
                })
            } else {
                Err(ApiError::Validation(vec![FieldError::new(field, message)]))
            }
        }
    }
}

/// A 422 naming the first string or object key that holds U+0000.
///
/// The document is walked as a token stream (no `Value` is built), so every string is
/// seen, even one under a duplicate key that a `Value` would have overwritten. Syntax
/// errors are left to the typed parse, which reports them as today (400), also when a
/// NUL comes before the syntax error.
fn reject_nul(bytes: &[u8]) -> Result<(), ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, NulFree>(&mut de) {
        Err(err)
            if !(err.inner().is_syntax() || err.inner().is_eof())
                && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() =>
        {
            let path = err.path().to_string();
            let field = if path == "." {
                "body".to_string()
            } else {
                path
            };
            Err(ApiError::Validation(vec![FieldError::new(
                field,
                describe_serde_error(err.inner()),
            )]))
        }
        _ => Ok(()),
    }
}

/// Any JSON value without U+0000 in its strings and keys.
struct NulFree;

impl<'de> Deserialize<'de> for NulFree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NulFreeVisitor)
    }
}

struct NulFreeVisitor;

impl<'de> Visitor<'de> for NulFreeVisitor {
    type Value = NulFree;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<NulFree, E> {
        Ok(NulFree)
    }

    fn visit_i64<E>(self, _: i64) -> Result<NulFree, E> {
        Ok(NulFree)
    }

    fn visit_u64<E>(self, _: u64) -> Result<NulFree, E> {
        Ok(NulFree)
    }

    fn visit_f64<E>(self, _: f64) -> Result<NulFree, E> {
        Ok(NulFree)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<NulFree, E> {
        if contains_nul(value) {
            Err(E::custom(NUL_MESSAGE))
        } else {
            Ok(NulFree)
        }
    }

    fn visit_unit<E>(self) -> Result<NulFree, E> {
        Ok(NulFree)
    }

    fn visit_none<E>(self) -> Result<NulFree, E> {
        Ok(NulFree)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<NulFree, D::Error> {
        NulFree::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NulFree, A::Error> {
        while seq.next_element::<NulFree>()?.is_some() {}
        Ok(NulFree)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NulFree, A::Error> {
        while map.next_key::<NulFree>()?.is_some() {
            map.next_value::<NulFree>()?;
        }
        Ok(NulFree)
    }
}

/// Serde's message without the "at line X column Y" suffix, which means nothing to a client.
fn describe_serde_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.find(" at line ") {
        Some(idx) => text[..idx].to_string(),
        None => text,
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let v = v.to_ascii_lowercase();
                v.starts_with("application/json") || v.contains("+json")
            })
            .unwrap_or(false);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::BadRequest {
                    code: codes::UNSUPPORTED_MEDIA_TYPE,
                    detail: "the body must be JSON (Content-Type: application/json)".into(),
                    errors: vec![FieldError::new("body", "expected application/json")],
                });
            }
            let bytes = body.await.map_err(|e| {
                if e.to_string().contains("overflow") {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::bad_request(codes::MALFORMED_BODY, "the body could not be read")
                }
            })?;
            // Serde reads a struct from an array of its fields in order; every Kefu body
            // is a JSON object, so `[null, null]` must not pass as one.
            if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
                return Err(ApiError::field("body", "must be a JSON object"));
            }
            let value: T = parse_json(&bytes)?;
            value.validate()?;
            Ok(Json(value))
        })
    }
}

/// For `#[serde(default, deserialize_with = "nullable")]` on `Option<Option<T>>`: tells a
/// field sent as `null` (`Some(None)`, clear it) from a field left out (`None`, keep it).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// For `#[serde(default = "...::default_true")]`: a flag that is on unless sent off.
pub fn default_true() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Owner {
        email: String,
        age: u8,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct SignUp {
        owner: Owner,
    }

    #[test]
    fn wrong_type_names_nested_field() {
        let err = parse_json::<SignUp>(br#"{"owner": {"email": "a@b.c", "age": "x"}}"#)
            .expect_err("must fail");
        let problem = err.problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "owner.age");
    }

    #[test]
    fn missing_field_is_named() {
        let err = parse_json::<SignUp>(br#"{"owner": {"age": 3}}"#).expect_err("must fail");
        assert!(err.problem().errors[0].message.contains("email"));
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Report {
        title: String,
        errors: Vec<Entry>,
        extra: Option<serde_json::Value>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Entry {
        message: String,
    }

    fn nul_field<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let err = parse_json::<T>(body.as_bytes()).expect_err("NUL must be refused");
        let problem = err.problem();
        assert_eq!(problem.status, 422, "{problem:?}");
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(problem.errors.len(), 1);
        assert_eq!(problem.errors[0].message, NUL_MESSAGE);
        problem.errors[0].field.clone()
    }

    #[test]
    fn nul_in_a_nested_string_names_the_field() {
        assert_eq!(
            nul_field::<SignUp>(r#"{"owner": {"email": "a\u0000@b.c", "age": 3}}"#),
            "owner.email"
        );
    }

    #[test]
    fn nul_in_an_array_element_names_its_index() {
        let body = r#"{"title": "t", "errors": [{"message": "ok"}, {"message": "x\u0000"}]}"#;
        assert_eq!(nul_field::<Report>(body), "errors[1].message");
        let body = r#"{"title": "t", "errors": [{"message": "\u0000"}]}"#;
        assert_eq!(nul_field::<Report>(body), "errors[0].message");
    }

    #[test]
    fn nul_is_refused_wherever_it_hides() {
        // A field the type ignores, a free-form value, a key, a top-level string.
        nul_field::<SignUp>(r#"{"owner": {"email": "a@b.c", "age": 3}, "x": "\u0000"}"#);
        let field = nul_field::<Report>(
            r#"{"title": "t", "errors": [], "extra": {"deep": [1, null, ["\u0000"]]}}"#,
        );
        assert_eq!(field, "extra.deep[2][0]");
        let field = nul_field::<Report>(r#"{"title": "t", "errors": [], "extra": {"k\u0000": 1}}"#);
        assert!(field.starts_with("extra"), "{field}");
        assert_eq!(nul_field::<String>(r#""\u0000""#), "body");
        // A duplicate key a map would overwrite is still seen.
        nul_field::<serde_json::Value>(r#"{"a": "\u0000", "a": "fine"}"#);
    }

    #[test]
    fn other_control_characters_and_escapes_still_parse() {
        let value: Report =
            parse_json(br#"{"title": "tab\tnewline\n\u0001 \u00e9", "errors": [], "extra": null}"#)
                .expect("valid");
        assert_eq!(value.title, "tab\tnewline\n\u{1} \u{e9}");
    }

    #[test]
    fn syntax_errors_stay_400_even_with_nul() {
        let err =
            parse_json::<SignUp>(br#"{"owner": {"email": "\u0000", "#).expect_err("must fail");
        assert_eq!(err.problem().status, 400);
        assert_eq!(err.problem().code, "malformed_json");
        // A raw NUL byte inside a string is a JSON syntax error.
        let err = parse_json::<String>(b"\"a\0b\"").expect_err("must fail");
        assert_eq!(err.problem().code, "malformed_json");
    }

    #[test]
    fn syntax_error_is_400() {
        let err = parse_json::<SignUp>(b"{\"owner\": ").expect_err("must fail");
        assert_eq!(err.problem().status, 400);
        assert_eq!(err.problem().code, "malformed_json");
    }
}
