//! A query-string extractor whose errors name the parameter.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{ready, Ready};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};
use crate::validation::{contains_nul, NUL_MESSAGE};

/// Query parameters deserialised into `T`; a bad value is a 422 naming the parameter.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Parses a query string into `T`; a decoded name or value holding U+0000 is a 422.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = url::form_urlencoded::parse(query.as_bytes());
    // Every pair is checked, also those `T` ignores: PostgreSQL cannot store NUL in text.
    let errors: Vec<FieldError> = pairs
        .filter_map(|(name, value)| {
            if contains_nul(&name) {
                // The name itself is not echoed: it is not a parameter anyone declared.
                Some(FieldError::new(
                    "query",
                    format!("parameter names {NUL_MESSAGE}"),
                ))
            } else if contains_nul(&value) {
                Some(FieldError::new(name, NUL_MESSAGE))
            } else {
                None
            }
        })
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let de = serde_urlencoded::Deserializer::new(pairs);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let field = err.path().to_string();
        let field = if field == "." { "query".into() } else { field };
        ApiError::Validation(vec![FieldError::new(field, err.into_inner().to_string())])
    })
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(Query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Filter {
        email: Option<String>,
        action: Option<String>,
        limit: Option<u32>,
    }

    fn fields(err: ApiError) -> Vec<(String, String)> {
        let problem = err.problem();
        assert_eq!(problem.status, 422, "{problem:?}");
        assert_eq!(problem.code, "validation_failed");
        problem
            .errors
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn nul_in_a_value_names_the_parameter() {
        let err = parse_query::<Filter>("email=a%00b&limit=5").expect_err("must fail");
        assert_eq!(
            fields(err),
            vec![("email".to_string(), NUL_MESSAGE.to_string())]
        );
        let err = parse_query::<Filter>("action=%00").expect_err("must fail");
        assert_eq!(fields(err)[0].0, "action");
    }

    #[test]
    fn nul_is_refused_in_ignored_parameters_and_names() {
        let err = parse_query::<Filter>("other=x%00y").expect_err("must fail");
        assert_eq!(fields(err)[0].0, "other");
        let err = parse_query::<Filter>("ema%00il=x").expect_err("must fail");
        let fields = fields(err);
        assert_eq!(fields[0].0, "query");
        assert!(!fields[0].1.contains('\0'));
    }

    #[test]
    fn every_nul_parameter_is_reported() {
        let err = parse_query::<Filter>("email=%00&action=%00").expect_err("must fail");
        let names: Vec<String> = fields(err).into_iter().map(|f| f.0).collect();
        assert_eq!(names, vec!["email", "action"]);
    }

    #[test]
    fn ordinary_queries_still_parse_and_bad_values_are_named() {
        let filter: Filter = parse_query("email=a%40b.c&action=user.created&limit=5").expect("ok");
        assert_eq!(filter.email.as_deref(), Some("a@b.c"));
        assert_eq!(filter.limit, Some(5));
        let err = parse_query::<Filter>("limit=x").expect_err("must fail");
        assert_eq!(fields(err)[0].0, "limit");
    }
}
