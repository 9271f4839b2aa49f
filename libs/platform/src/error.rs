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

/// A public machine code: what a client matches on, with the status it comes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode {
    /// The stable code in the problem's `code` (and the end of its `type` URI).
    pub code: &'static str,
    /// The HTTP status it is answered with.
    pub status: u16,
    /// When a client gets it, for the published table.
    pub meaning: &'static str,
}

/// Declares a crate's table of public error codes: a constant per code, and
/// `ERROR_CODES` listing them all, so a code cannot be answered without being listed.
#[macro_export]
macro_rules! error_codes {
    ($($name:ident = $status:literal $code:literal, $meaning:literal;)*) => {
        $(
            #[doc = $meaning]
            pub const $name: $crate::error::ErrorCode =
                $crate::error::ErrorCode { code: $code, status: $status, meaning: $meaning };
        )*
        /// Every public error code of this crate, as the table declares them.
        pub const ERROR_CODES: &[$crate::error::ErrorCode] = &[$($name),*];
    };
}

/// The codes every service answers with, whatever it owns.
pub mod codes {
    crate::error_codes! {
        MALFORMED_JSON = 400 "malformed_json", "the body is not valid JSON, or not of the expected shape";
        MALFORMED_FORM = 400 "malformed_form", "a form body (`application/x-www-form-urlencoded`) could not be read";
        MALFORMED_BODY = 400 "malformed_body", "the body could not be read";
        UNSUPPORTED_MEDIA_TYPE = 400 "unsupported_media_type", "a JSON operation got a body that is not `application/json`";
        UNAUTHENTICATED = 401 "unauthenticated", "no bearer token, or one that is invalid, expired or revoked";
        INSUFFICIENT_SCOPE = 403 "insufficient_scope", "the token lacks the scope the operation needs";
        QUOTA_EXCEEDED = 403 "quota_exceeded", "a quota of the tenant's plan is used up";
        NOT_FOUND = 404 "not_found", "no such resource in the caller's tenant";
        MERGED = 404 "merged", "the record was merged into another; `merged_into` is its path";
        METHOD_NOT_ALLOWED = 405 "method_not_allowed", "the path does not answer this method; `Allow` lists those it does";
        DUPLICATE = 409 "duplicate", "a record with these unique values already exists";
        ILLEGAL_TRANSITION = 409 "illegal_transition", "the state machine refuses the change; `allowed` lists the next states";
        IDEMPOTENCY_IN_PROGRESS = 409 "idempotency_in_progress", "the first request with this `Idempotency-Key` is still running";
        IDEMPOTENCY_NOT_REPLAYABLE = 409 "idempotency_not_replayable", "the first request with this `Idempotency-Key` answered a secret, which is not kept";
        VERSION_MISMATCH = 412 "version_mismatch", "`If-Match` names a version that is no longer current";
        PAYLOAD_TOO_LARGE = 413 "payload_too_large", "the body is larger than the operation allows";
        VALIDATION_FAILED = 422 "validation_failed", "well-formed input breaks a rule; `errors` names each field";
        IDEMPOTENCY_KEY_REUSED = 422 "idempotency_key_reused", "the `Idempotency-Key` was used with a different body";
        ACCOUNT_LOCKED = 423 "account_locked", "too many failed logins; `Retry-After` says when to try again";
        RATE_LIMITED = 429 "rate_limited", "too many requests; `Retry-After` says when to try again";
        INTERNAL_ERROR = 500 "internal_error", "an unexpected failure, logged with its cause";
        BAD_GATEWAY = 502 "bad_gateway", "a service behind the gateway answered badly";
        SERVICE_UNAVAILABLE = 503 "service_unavailable", "a dependency is down; retry after `Retry-After`";
        GATEWAY_TIMEOUT = 504 "gateway_timeout", "a service behind the gateway did not answer in time";
    }
}

/// Every error a Kefu API can answer with. Internal causes are logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not valid JSON or not a JSON object of the expected shape.
    #[error("malformed request: {detail}")]
    BadRequest {
        /// Machine code from a table, e.g. `malformed_json`.
        code: ErrorCode,
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
        /// Machine code from a table, e.g. `email_taken`.
        code: ErrorCode,
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

    /// A 400 with a code of a table and a detail.
    pub fn bad_request(code: ErrorCode, detail: impl Into<String>) -> Self {
        debug_assert_eq!(code.status, 400, "{} is not a 400", code.code);
        Self::BadRequest {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A 409 with a code of a table and a detail.
    pub fn conflict(code: ErrorCode, detail: impl Into<String>) -> Self {
        debug_assert_eq!(code.status, 409, "{} is not a 409", code.code);
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    /// The 409 `(code, detail)` when `err` is a unique-constraint violation (a name or
    /// key taken, by a concurrent write too); any other database error as itself.
    pub fn taken_or(err: sea_orm::DbErr, (code, detail): (ErrorCode, &str)) -> Self {
        if crate::db::is_unique_violation(&err) {
            Self::conflict(code, detail)
        } else {
            err.into()
        }
    }

    /// A failure of mixed causes: a database error as [`From<DbErr>`] maps it (a 503
    /// when the database is down), anything else internal.
    pub fn from_failure(err: anyhow::Error) -> Self {
        match err.downcast::<sea_orm::DbErr>() {
            Ok(db) => db.into(),
            Err(err) => Self::internal(err),
        }
    }

    /// Wraps an unexpected failure.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(err.into())
    }

    /// The stable machine code of this error.
    pub fn code(&self) -> &'static str {
        self.error_code().code
    }

    /// The table entry of this error's code: the platform's own, or the service's.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::BadRequest { code, .. } | Self::Conflict { code, .. } => *code,
            Self::Validation(_) => codes::VALIDATION_FAILED,
            Self::Unauthenticated => codes::UNAUTHENTICATED,
            Self::Forbidden(_) => codes::INSUFFICIENT_SCOPE,
            Self::NotFound => codes::NOT_FOUND,
            Self::MergedInto { .. } => codes::MERGED,
            Self::IllegalTransition { .. } => codes::ILLEGAL_TRANSITION,
            Self::PreconditionFailed => codes::VERSION_MISMATCH,
            Self::IdempotencyMismatch => codes::IDEMPOTENCY_KEY_REUSED,
            Self::IdempotencyInProgress => codes::IDEMPOTENCY_IN_PROGRESS,
            Self::IdempotencyNotReplayable => codes::IDEMPOTENCY_NOT_REPLAYABLE,
            Self::PayloadTooLarge => codes::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } => codes::RATE_LIMITED,
            Self::QuotaExceeded { .. } => codes::QUOTA_EXCEEDED,
            Self::Locked { .. } => codes::ACCOUNT_LOCKED,
            Self::Unavailable(_) => codes::SERVICE_UNAVAILABLE,
            Self::MethodNotAllowed(_) => codes::METHOD_NOT_ALLOWED,
            Self::BadGateway(_) => codes::BAD_GATEWAY,
            Self::GatewayTimeout => codes::GATEWAY_TIMEOUT,
            Self::Internal(_) => codes::INTERNAL_ERROR,
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
            return Self::conflict(
                codes::DUPLICATE,
                "a record with these values already exists",
            );
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

    /// Every variant answers with the status its table entry publishes.
    #[test]
    fn every_error_answers_the_status_of_its_table_entry() {
        let samples = [
            ApiError::bad_request(codes::MALFORMED_JSON, "x"),
            ApiError::field("f", "x"),
            ApiError::Unauthenticated,
            ApiError::Forbidden("s".into()),
            ApiError::NotFound,
            ApiError::MergedInto {
                into: uuid::Uuid::nil(),
                location: "/x".into(),
            },
            ApiError::conflict(codes::DUPLICATE, "x"),
            ApiError::IllegalTransition {
                detail: "x".into(),
                allowed: Vec::new(),
            },
            ApiError::PreconditionFailed,
            ApiError::IdempotencyMismatch,
            ApiError::IdempotencyInProgress,
            ApiError::IdempotencyNotReplayable,
            ApiError::PayloadTooLarge,
            ApiError::RateLimited { retry_after: 1 },
            ApiError::QuotaExceeded { detail: "x".into() },
            ApiError::Locked { retry_after: 1 },
            ApiError::Unavailable("x".into()),
            ApiError::MethodNotAllowed(Vec::new()),
            ApiError::BadGateway("x".into()),
            ApiError::GatewayTimeout,
            ApiError::internal(anyhow::anyhow!("x")),
        ];
        for err in &samples {
            let code = err.error_code();
            assert_eq!(err.status_code().as_u16(), code.status, "{}", code.code);
            assert!(
                codes::ERROR_CODES.contains(&code),
                "{} is not in the table",
                code.code
            );
        }
        let mut names: Vec<_> = codes::ERROR_CODES.iter().map(|c| c.code).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            names.len(),
            codes::ERROR_CODES.len(),
            "a code is listed twice"
        );
    }

    #[test]
    fn internal_error_hides_its_cause() {
        let err = ApiError::internal(anyhow::anyhow!("SELECT * FROM secrets failed"));
        let problem = err.problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("SELECT"));
    }
}
