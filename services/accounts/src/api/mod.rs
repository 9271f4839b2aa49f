//! HTTP handlers and their request/response bodies. Thin: extract, call the
//! store or domain, map the result.

pub mod api_clients;
pub mod audit;
pub mod invitations;
pub mod me;
pub mod password_resets;
pub mod platform;
pub mod roles;
pub mod signup;
pub mod teams;
pub mod tenant;
pub mod tenant_plans;
pub mod token;
pub mod users;
pub mod views;

use actix_web::{HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every accounts route.
pub fn routes(cfg: &mut ServiceConfig) {
    signup::routes(cfg);
    token::routes(cfg);
    tenant::routes(cfg);
    me::routes(cfg);
    users::routes(cfg);
    invitations::routes(cfg);
    password_resets::routes(cfg);
    roles::routes(cfg);
    teams::routes(cfg);
    api_clients::routes(cfg);
    audit::routes(cfg);
    platform::routes(cfg);
    tenant_plans::routes(cfg);
}

/// The client address for the audit log (the gateway sets X-Forwarded-For).
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    req.connection_info().realip_remote_addr().map(String::from)
}

pub use kefu_platform::http::{created, with_etag};

/// A 201 for a created user; when it carries an invitation token the answer is
/// `no-store`, so neither caches nor the idempotency table keep the secret.
pub fn created_user(user: &users::CreatedUser) -> HttpResponse {
    let mut response = created(
        format!("/api/v1/users/{}", user.user.id),
        user.user.version,
        user,
    );
    if user.invitation.is_some() {
        response.headers_mut().insert(
            actix_web::http::header::CACHE_CONTROL,
            actix_web::http::header::HeaderValue::from_static("no-store"),
        );
    }
    response
}

pub use crate::app::passwords::{hash_password, verify_password};
