//! HTTP handlers and their request/response bodies. Thin: extract, call the
//! store or domain, map the result.

pub mod agreements;
pub mod card;
pub mod care_plans;
pub mod classification;
pub mod contacts;
pub mod customers;
pub mod import;
pub mod interactions;
pub mod pain_points;
pub mod values;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every customers route.
pub fn routes(cfg: &mut ServiceConfig) {
    // Literal paths under /api/v1/customers first: `{id}` would match them too.
    classification::routes(cfg);
    import::routes(cfg);
    customers::routes(cfg);
    contacts::routes(cfg);
    values::routes(cfg);
    interactions::routes(cfg);
    card::routes(cfg);
    agreements::routes(cfg);
    pain_points::routes(cfg);
    care_plans::routes(cfg);
}
