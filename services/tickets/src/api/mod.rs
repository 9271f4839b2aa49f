//! HTTP handlers and their request/response bodies. Thin: extract, call the
//! store or domain, map the result.

pub mod access;
pub mod conversation;
pub mod tickets;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every tickets route.
pub fn routes(cfg: &mut ServiceConfig) {
    tickets::routes(cfg);
    conversation::routes(cfg);
}
