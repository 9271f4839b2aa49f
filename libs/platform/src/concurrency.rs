//! Optimistic concurrency: resources carry a `version`; `If-Match` with a stale one is a 412.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{ready, Ready};

use crate::error::ApiError;

/// The strong ETag of a resource version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The `If-Match` header of a request, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// No header: the write is unconditional.
    Absent,
    /// `*`: any current version.
    Any,
    /// One or more versions, one of which must be current.
    Versions(Vec<i64>),
}

/// What [`IfMatch::parse`] accepts, as the JSON Schema pattern of every `If-Match` header
/// parameter in the services' documents.
pub const IF_MATCH_PATTERN: &str = r#"^(\*|(W/)?"?[+-]?[0-9]+"?( *, *(W/)?"?[+-]?[0-9]+"?)*)$"#;

/// The longest `If-Match` value [`IfMatch::parse`] accepts, in characters (the header is
/// ASCII): room for dozens of ETags, and the `maxLength` of every `If-Match` parameter.
pub const MAX_IF_MATCH_LEN: usize = 1024;

impl IfMatch {
    /// Parses the header value: `"3"`, `W/"3"`, `"3", "4"` or `*`.
    pub fn parse(value: &str) -> Result<Self, ApiError> {
        if value.chars().count() > MAX_IF_MATCH_LEN {
            return Err(ApiError::field(
                "If-Match",
                format!("must be at most {MAX_IF_MATCH_LEN} characters"),
            ));
        }
        let value = value.trim();
        if value == "*" {
            return Ok(Self::Any);
        }
        let versions = value
            .split(',')
            .map(|tag| {
                let tag = tag.trim().trim_start_matches("W/").trim_matches('"');
                tag.parse::<i64>()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ApiError::field("If-Match", "must be an ETag returned by this API"))?;
        Ok(Self::Versions(versions))
    }

    /// Whether the header allows writing over version `current`.
    pub fn allows(&self, current: i64) -> bool {
        match self {
            Self::Absent | Self::Any => true,
            Self::Versions(versions) => versions.contains(&current),
        }
    }

    /// `Err(412)` unless the header allows writing over `current`: for a change that is
    /// refused before anything is saved (a delete); saves go through the store's
    /// versioned save, which checks the header and the stored version in one statement.
    pub fn check(&self, current: i64) -> Result<(), ApiError> {
        if self.allows(current) {
            Ok(())
        } else {
            Err(ApiError::PreconditionFailed)
        }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.headers().get(header::IF_MATCH) {
            None => Ok(Self::Absent),
            Some(value) => value
                .to_str()
                .map_err(|_| ApiError::field("If-Match", "is not readable text"))
                .and_then(Self::parse),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_version_fails() {
        let header = IfMatch::parse("\"3\"").expect("parses");
        assert!(header.check(3).is_ok());
        assert!(matches!(header.check(4), Err(ApiError::PreconditionFailed)));
        assert!(IfMatch::parse("W/\"4\"").expect("weak").check(4).is_ok());
        assert!(IfMatch::parse("*").expect("any").check(9).is_ok());
        assert!(IfMatch::parse("\"abc\"").is_err());
    }

    #[test]
    fn overlong_header_is_refused() {
        let longest = format!("\"1\"{}", " ".repeat(MAX_IF_MATCH_LEN - 3));
        assert!(IfMatch::parse(&longest)
            .expect("at the limit")
            .check(1)
            .is_ok());
        match IfMatch::parse(&format!("{longest} ")) {
            Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, "If-Match"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
