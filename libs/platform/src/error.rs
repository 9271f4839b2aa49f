//! RFC 9457 problem+json errors with stable machine codes, mapped in one place.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One invalid field of a request, named by its JSON path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// JSON path of the field, e.g. `owner.email`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// A field error from a path and a message.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The problem+json body every error response carries.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"type": "https://kefu.dev/problems/validation_failed", "title": "Validation failed", "status": 422, "detail": "owner.email: is not a valid email address", "code": "validation_failed", "errors": [{"field": "owner.email", "message": "is not a valid email address"}]}))]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short human summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Human explanation of this occurrence.
    pub detail: String,
    /// Stable machine code.
    pub code: String,
    /// Field errors, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Allowed next states, for illegal state transitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// Where a merged-away record lives on (its survivor's path), for `merged` problems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
}

/// Every error a Kefu API can answer with. Internal causes are logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not valid JSON or not a JSON object of the expected shape.
    #[error("malformed request: {detail}")]
    BadRequest {
        /// Machine code, e.g. `malformed_json`.
        code: &'static str,
        /// Human explanation.
        detail: String,
        /// The offending fields, if known.
        errors: Vec<FieldError>,
    },
    /// Well-formed input that breaks a rule.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// No or invalid credentials. The body is deliberately generic.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Authenticated, but the token lacks the scope.
    #[error("missing scope {0}")]
    Forbidden(String),
    /// Not found, or belongs to another tenant (indistinguishable on purpose).
    #[error("not found")]
    NotFound,
    /// Gone by a merge into another record of the same tenant, which holds it now.
    #[error("merged into {into}")]
    MergedInto {
        /// Where the record lives on.
        into: uuid::Uuid,
        /// Its path, e.g. `/api/v1/customers/{id}`.
        location: String,
    },
    /// A uniqueness or state conflict.
    #[error("conflict: {detail}")]
    Conflict {
        /// Machine code, e.g. `email_taken`.
        code: &'static str,
        /// Human explanation.
        detail: String,
    },
    /// A state machine refused the transition.
    #[error("illegal transition: {detail}")]
    IllegalTransition {
        /// Human explanation.
        detail: String,
        /// The states that are allowed next.
        allowed: Vec<String>,
    },
    /// `If-Match` named a version that is no longer current.
    #[error("precondition failed")]
    PreconditionFailed,
    /// `Idempotency-Key` reused with a different body.
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    /// `Idempotency-Key` whose first request is still running.
    #[error("idempotent request still in progress")]
    IdempotencyInProgress,
    /// `Idempotency-Key` of a request whose response held a secret, which is not kept.
    #[error("idempotent response not replayable")]
    IdempotencyNotReplayable,
    /// Body larger than allowed.
    #[error("payload too large")]
    PayloadTooLarge,
    /// Too many requests; retry after the given seconds.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until a retry can succeed.
        retry_after: u64,
    },
    /// A quota of the tenant's plan is used up.
    #[error("quota exceeded: {detail}")]
    QuotaExceeded {
        /// Human explanation.
        detail: String,
    },
    /// The account is locked after repeated failed logins.
    #[error("locked")]
    Locked {
        /// Seconds until the lock ends.
        retry_after: u64,
    },
    /// A dependency (database, upstream service) is unavailable.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The path exists but not with this method; `Allow` lists the methods it has.
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    /// An upstream service answered badly.
    #[error("bad gateway: {0}")]
    BadGateway(String),
    /// An upstream service did not answer in time.
    #[error("gateway timeout")]
    GatewayTimeout,
    /// A bug or an unexpected failure; the cause is logged, not returned.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A validation error on one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// A 400 with a code and detail.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A 409 with a code and detail.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    /// The 409 `(code, detail)` when `err` is a unique-constraint violation (a name or
    /// key taken, by a concurrent write too); any other database error as itself.
    pub fn taken_or(err: sea_orm::DbErr, (code, detail): (&'static str, &str)) -> Self {
        if crate::db::is_unique_violation(&err) {
            Self::conflict(code, detail)
        } else {
            err.into()
        }
    }

    /// Wraps an unexpected failure.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(err.into())
    }

    /// The stable machine code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. } | Self::Conflict { code, .. } => code,
            Self::Validation(_) => "validation_failed",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden(_) => "insufficient_scope",
            Self::NotFound => "not_found",
            Self::MergedInto { .. } => "merged",
            Self::IllegalTransition { .. } => "illegal_transition",
            Self::PreconditionFailed => "version_mismatch",
            Self::IdempotencyMismatch => "idempotency_key_reused",
            Self::IdempotencyInProgress => "idempotency_in_progress",
            Self::IdempotencyNotReplayable => "idempotency_not_replayable",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RateLimited { .. } => "rate_limited",
            Self::QuotaExceeded { .. } => "quota_exceeded",
            Self::Locked { .. } => "account_locked",
            Self::Unavailable(_) => "service_unavailable",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::BadGateway(_) => "bad_gateway",
            Self::GatewayTimeout => "gateway_timeout",
            Self::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "Bad request",
            Self::Validation(_) => "Validation failed",
            Self::Unauthenticated => "Unauthenticated",
            Self::Forbidden(_) => "Forbidden",
            Self::NotFound => "Not found",
            Self::MergedInto { .. } => "Merged into another record",
            Self::Conflict { .. } => "Conflict",
            Self::IllegalTransition { .. } => "Illegal state transition",
            Self::PreconditionFailed => "Precondition failed",
            Self::IdempotencyMismatch => "Idempotency key reused",
            Self::IdempotencyInProgress => "Request in progress",
            Self::IdempotencyNotReplayable => "Response not replayable",
            Self::PayloadTooLarge => "Payload too large",
            Self::RateLimited { .. } => "Too many requests",
            Self::QuotaExceeded { .. } => "Quota exceeded",
            Self::Locked { .. } => "Account locked",
            Self::Unavailable(_) => "Service unavailable",
            Self::MethodNotAllowed(_) => "Method not allowed",
            Self::BadGateway(_) => "Bad gateway",
            Self::GatewayTimeout => "Gateway timeout",
            Self::Internal(_) => "Internal error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest { detail, .. }
            | Self::Conflict { detail, .. }
            | Self::IllegalTransition { detail, .. }
            | Self::QuotaExceeded { detail } => detail.clone(),
            Self::Validation(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            Self::Unauthenticated => "a valid bearer token is required".into(),
            Self::Forbidden(scope) => format!("this operation requires the scope `{scope}`"),
            Self::NotFound => "the resource does not exist".into(),
            Self::MergedInto { into, location } => {
                format!("this record was merged into {into}; it lives on at {location}")
            }
            Self::PreconditionFailed => {
                "the resource was changed since you read it; fetch it again".into()
            }
            Self::IdempotencyMismatch => {
                "this Idempotency-Key was used with a different request body".into()
            }
            Self::IdempotencyNotReplayable => {
                "the request with this Idempotency-Key succeeded, but its \
                 response held a secret shown only once and is not kept; read the resource instead"
                    .into()
            }
            Self::IdempotencyInProgress => {
                "a request with this Idempotency-Key is still being processed".into()
            }
            Self::PayloadTooLarge => "the request body is too large".into(),
            Self::RateLimited { retry_after } => {
                format!("rate limit exceeded; retry in {retry_after} s")
            }
            Self::Locked { retry_after } => {
                format!("too many failed logins; try again in {retry_after} s")
            }
            Self::Unavailable(what) => format!("{what} is unavailable; retry later"),
            Self::MethodNotAllowed(allow) => {
                format!("this resource answers only {}", allow.join(", "))
            }
            Self::BadGateway(what) => format!("{what} answered with an invalid response"),
            Self::GatewayTimeout => "the upstream service did not answer in time".into(),
            Self::Internal(_) => "an unexpected error occurred; it has been logged".into(),
        }
    }

    /// The problem+json body of this error.
    pub fn problem(&self) -> Problem {
        let code = self.code();
        Problem {
            kind: format!("https://kefu.dev/problems/{code}"),
            title: self.title().into(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code: code.into(),
            errors: match self {
                Self::Validation(errors) | Self::BadRequest { errors, .. } => errors.clone(),
                _ => Vec::new(),
            },
            allowed: match self {
                Self::IllegalTransition { allowed, .. } => Some(allowed.clone()),
                _ => None,
            },
            merged_into: match self {
                Self::MergedInto { location, .. } => Some(location.clone()),
                _ => None,
            },
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        // A versioned save that matched no row: the record changed since it was read.
        if matches!(err, sea_orm::DbErr::RecordNotUpdated) {
            return Self::PreconditionFailed;
        }
        if crate::db::is_connection_error(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return Self::Unavailable("the database".into());
        }
        // A backstop for a uniqueness rule a handler did not name itself: the client sent
        // a duplicate, which is a conflict, not a server fault.
        if crate::db::is_unique_violation(&err) {
            tracing::warn!(error = %err, "unique constraint violated");
            return Self::conflict("duplicate", "a record with these values already exists");
        }
        Self::Internal(err.into())
    }
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(err: sea_orm::TransactionError<ApiError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(api) => api,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Validation(_) | Self::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::QuotaExceeded { .. } => StatusCode::FORBIDDEN,
            Self::NotFound | Self::MergedInto { .. } => StatusCode::NOT_FOUND,
            Self::Conflict { .. }
            | Self::IllegalTransition { .. }
            | Self::IdempotencyInProgress
            | Self::IdempotencyNotReplayable => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Locked { .. } => StatusCode::LOCKED,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Self::GatewayTimeout => StatusCode::GATEWAY_TIMEOUT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            // Logged once here with its whole chain; the client sees a generic body.
            tracing::error!(error = ?cause, "internal error");
        }
        let mut builder = HttpResponse::build(self.status_code());
        builder.content_type("application/problem+json");
        match self {
            Self::RateLimited { retry_after } | Self::Locked { retry_after } => {
                builder.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            Self::Unavailable(_) => {
                builder.insert_header((header::RETRY_AFTER, "5"));
            }
            Self::MethodNotAllowed(allow) => {
                builder.insert_header((header::ALLOW, allow.join(", ")));
            }
            Self::Unauthenticated => {
                builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            _ => {}
        }
        builder.json(self.problem())
    }
}

/// Result type of handlers and stores.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_problem_names_fields() {
        let err = ApiError::field("owner.email", "is not a valid email address");
        let problem = err.problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(problem.errors[0].field, "owner.email");
        assert!(problem.detail.contains("owner.email"));
    }

    #[test]
    fn internal_error_hides_its_cause() {
        let err = ApiError::internal(anyhow::anyhow!("SELECT * FROM secrets failed"));
        let problem = err.problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("SELECT"));
    }
}
