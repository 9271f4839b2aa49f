//! A JSON body extractor whose errors name the offending field.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};
use crate::validation::Validate;

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
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => {
            de.end().map_err(|e| {
                ApiError::bad_request("malformed_json", format!("invalid JSON: {e}"))
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
                    code: "malformed_json",
                    detail: format!("the body is not valid JSON: {inner}"),
                    errors: vec![FieldError::new(field, message)],
                })
            } else {
                Err(ApiError::Validation(vec![FieldError::new(field, message)]))
            }
        }
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
                    code: "unsupported_media_type",
                    detail: "the body must be JSON (Content-Type: application/json)".into(),
                    errors: vec![FieldError::new("body", "expected application/json")],
                });
            }
            let bytes = body.await.map_err(|e| {
                if e.to_string().contains("overflow") {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::bad_request("malformed_body", "the body could not be read")
                }
            })?;
            let value: T = parse_json(&bytes)?;
            value.validate()?;
            Ok(Json(value))
        })
    }
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

    #[test]
    fn syntax_error_is_400() {
        let err = parse_json::<SignUp>(b"{\"owner\": ").expect_err("must fail");
        assert_eq!(err.problem().status, 400);
        assert_eq!(err.problem().code, "malformed_json");
    }
}
