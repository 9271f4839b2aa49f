//! Field validation for request DTOs: collect every field error, then fail once.

use crate::error::{ApiError, FieldError};

/// The message for text holding U+0000, which PostgreSQL cannot store and no field needs.
pub const NUL_MESSAGE: &str = "must not contain NUL characters";

/// Whether `value` holds U+0000.
pub fn contains_nul(value: &str) -> bool {
    value.contains('\0')
}

/// The schema of a string of at most `N` characters, for what utoipa cannot bound by
/// itself (the items of a list): `#[schema(value_type = Vec<MaxChars<50>>, inline)]`
/// documents `items: {type: string, maxLength: 50}`. Only for documents: always `inline`,
/// as every `N` would otherwise share one component name.
pub struct MaxChars<const N: usize>;

impl<const N: usize> utoipa::PartialSchema for MaxChars<N> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(N))
            .into()
    }
}

impl<const N: usize> utoipa::ToSchema for MaxChars<N> {}

/// Implemented by request bodies; the default accepts everything serde accepted.
pub trait Validate {
    /// Checks the rules serde cannot express.
    fn validate(&self) -> Result<(), ApiError> {
        Ok(())
    }
}

impl Validate for serde_json::Value {}

/// Collects field errors of one request.
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error on `field`.
    pub fn fail(&mut self, field: &str, message: impl Into<String>) -> &mut Self {
        self.errors.push(FieldError::new(field, message));
        self
    }

    /// Requires `value` (trimmed) to be between `min` and `max` characters.
    pub fn length(&mut self, field: &str, value: &str, min: usize, max: usize) -> &mut Self {
        let len = value.trim().chars().count();
        if len < min {
            if min == 1 {
                // Said of a value that was given: an optional field may still be left out.
                self.fail(field, "must contain a character other than spaces");
            } else {
                self.fail(field, format!("must be at least {min} characters"));
            }
        } else if value.chars().count() > max {
            self.fail(field, format!("must be at most {max} characters"));
        }
        self
    }

    /// Like `length`, for an optional value.
    pub fn length_opt(
        &mut self,
        field: &str,
        value: Option<&str>,
        min: usize,
        max: usize,
    ) -> &mut Self {
        if let Some(value) = value {
            self.length(field, value, min, max);
        }
        self
    }

    /// Requires a plausible email address.
    pub fn email(&mut self, field: &str, value: &str) -> &mut Self {
        if !is_email(value) {
            self.fail(field, "is not a valid email address");
        }
        self
    }

    /// Requires a slug: 3–63 lowercase letters, digits and hyphens, not starting or ending with one.
    pub fn slug(&mut self, field: &str, value: &str) -> &mut Self {
        let ok = (3..=63).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if !ok {
            self.fail(
                field,
                "must be 3-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen",
            );
        }
        self
    }

    /// Requires `ok`, else records `message` on `field`.
    pub fn ensure(&mut self, ok: bool, field: &str, message: &str) -> &mut Self {
        if !ok {
            self.fail(field, message);
        }
        self
    }

    /// Ends the checks: `Ok` when nothing failed.
    pub fn finish(&mut self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(std::mem::take(&mut self.errors)))
        }
    }
}

/// A deliberately simple email check: one `@`, a non-empty local part, a dotted domain.
pub fn is_email(value: &str) -> bool {
    if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(is_email("ana@example.com"));
        assert!(!is_email("ana@example"));
        assert!(!is_email("ana example@x.com"));
        assert!(!is_email("@x.com"));
        assert!(!is_email("a@b@c.com"));
    }

    #[test]
    fn collects_all_errors() {
        let err = Checks::new()
            .length("name", "", 1, 10)
            .slug("slug", "Bad Slug")
            .finish()
            .expect_err("two errors");
        match err {
            ApiError::Validation(errors) => assert_eq!(errors.len(), 2),
            other => panic!("unexpected {other:?}"),
        }
    }
}
