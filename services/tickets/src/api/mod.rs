//! HTTP handlers and their request/response bodies. Thin: extract, call the
//! store or domain, map the result.

pub mod attachments;
pub mod bulk;
pub mod business_rules;
pub mod calendars;
pub mod conversation;
pub mod custom_fields;
pub mod dispatch_rules;
pub mod escalation_rules;
pub mod kb;
pub mod links;
pub mod macros;
pub mod sla_policies;
pub mod steps;
pub mod ticket_sla;
pub mod ticket_views;
pub mod tickets;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every tickets route.
pub fn routes(cfg: &mut ServiceConfig) {
    // Literal paths under /api/v1/tickets first: `{id}` would match them too.
    ticket_views::routes(cfg);
    bulk::routes(cfg);
    tickets::routes(cfg);
    conversation::routes(cfg);
    ticket_sla::routes(cfg);
    steps::routes(cfg);
    links::routes(cfg);
    calendars::routes(cfg);
    sla_policies::routes(cfg);
    dispatch_rules::routes(cfg);
    escalation_rules::routes(cfg);
    custom_fields::routes(cfg);
    macros::routes(cfg);
    business_rules::routes(cfg);
    kb::routes(cfg);
    attachments::routes(cfg);
}
