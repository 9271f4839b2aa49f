//! The CORS policy from settings, and problem+json for the preflights it refuses.

use actix_cors::Cors;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::{Condition, Next};
use actix_web::ResponseError;
use kefu_platform::error::ApiError;

use crate::error_codes;

/// Headers a browser client may send.
const ALLOWED_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "accept",
    "if-match",
    "if-none-match",
    "idempotency-key",
    "x-request-id",
    "traceparent",
    "tracestate",
];

/// Headers a browser client may read.
const EXPOSED_HEADERS: &[&str] = &[
    "x-request-id",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "retry-after",
    "etag",
    "location",
];

/// The policy: none when no origin is configured; `*` allows any origin (without credentials:
/// clients send bearer tokens, never cookies).
pub fn policy(origins: &[String]) -> Condition<Cors> {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers(ALLOWED_HEADERS.iter().copied())
        .expose_headers(EXPOSED_HEADERS.iter().copied())
        .max_age(3600);
    if origins.iter().any(|origin| origin == "*") {
        cors = cors.allow_any_origin().send_wildcard();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    Condition::new(!origins.is_empty(), cors)
}

/// A valid CORS origin: `*` or `scheme://host[:port]` with nothing after it.
pub fn is_valid_origin(origin: &str) -> bool {
    if origin == "*" {
        return true;
    }
    url::Url::parse(origin).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https")
            && url.host().is_some()
            && url.path() == "/"
            && !origin.ends_with('/')
            && url.query().is_none()
            && url.username().is_empty()
    })
}

/// actix-cors answers refused preflights in plain text; clients get problem+json instead.
pub async fn problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let preflight = req.method() == Method::OPTIONS
        && req.headers().contains_key(header::ORIGIN)
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let response = next.call(req).await?.map_into_boxed_body();
    let plain_refusal = response.status().is_client_error()
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_none_or(|v| v.as_bytes() != b"application/problem+json");
    if !(preflight && plain_refusal) {
        return Ok(response);
    }
    let error = ApiError::bad_request(
        error_codes::CORS_REJECTED,
        "the origin, method or headers are not allowed by the CORS policy",
    );
    let (req, _) = response.into_parts();
    Ok(ServiceResponse::new(req, error.error_response()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_bare_scheme_host_port() {
        assert!(is_valid_origin("*"));
        assert!(is_valid_origin("https://console.example.com"));
        assert!(is_valid_origin("http://localhost:3000"));
        assert!(!is_valid_origin("https://console.example.com/"));
        assert!(!is_valid_origin("https://console.example.com/app"));
        assert!(!is_valid_origin("console.example.com"));
        assert!(!is_valid_origin("ftp://example.com"));
    }
}
