//! Tickets: service requests from intake to closure, under SLA (PRODUCT.md §3.3).

pub mod api;
pub mod app;
pub mod attachments;
pub mod domain;
pub mod error_codes;
pub mod events;
pub mod jobs;
mod migrations;
pub mod settings;
pub mod state;
pub mod store;

use std::sync::Arc;

use actix_web::web;
use kefu_platform::auth::{AuthState, TokenVerifier};
use kefu_platform::health::{DatabaseReady, Readiness};
use kefu_platform::http::{BearerSecurity, ServiceSpec};
use utoipa::OpenApi;

pub use migrations::Migrator;
pub use settings::Settings;
pub use state::AppState;

/// The tickets OpenAPI document's base: title, tags and the bearer scheme.
#[derive(OpenApi)]
#[openapi(
    info(title = "Kefu tickets", version = "1", description = "Service requests from intake to closure, under SLA."),
    modifiers(&BearerSecurity),
    components(schemas(domain::status::Status, domain::dispatch::Strategy, domain::custom_fields::FieldType, api::escalation_rules::Trigger)),
    tags(
        (name = "tickets", description = "Tickets, their conversation, history and SLA"),
        (name = "sla", description = "Business-hours calendars, SLA policies and escalation rules"),
        (name = "dispatch", description = "Automatic assignment by team rules"),
        (name = "rules", description = "Triggers and time-based automations"),
        (name = "kb", description = "Knowledge base: categories, articles, revisions, search"),
    )
)]
pub struct ApiDoc;

/// Connects, migrates and returns the state (without a bus; see [`AppState::with_bus`]).
pub async fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    let db = kefu_platform::db::connect_and_migrate::<Migrator>(&settings.database_url).await?;
    AppState::new(db, settings)
}

/// The service as the platform runs it, verifying tokens with `verifier`.
pub fn spec(state: AppState, verifier: TokenVerifier) -> ServiceSpec {
    let mut readiness = Readiness::new().with(DatabaseReady(state.db.clone()));
    if let Some(events) = &state.relay {
        readiness = readiness.with(events.ready_check());
    }
    let auth = AuthState {
        verifier,
        guard: Some(Arc::new(state::DirectoryGuard::new(state.db.clone()))),
    };
    let idempotency = kefu_platform::idempotency::IdempotencyStore(state.db.clone());
    let state = web::Data::new(state);
    let auth = web::Data::new(auth);
    ServiceSpec {
        name: "tickets",
        configure: Arc::new(move |cfg| {
            cfg.app_data(state.clone())
                .app_data(auth.clone())
                .app_data(web::PayloadConfig::new(attachments::MAX_UPLOAD_BYTES));
            api::routes(cfg);
        }),
        readiness,
        openapi_base: ApiDoc::openapi(),
        idempotency: Some(idempotency),
    }
}

/// The tickets OpenAPI document, without a database.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let spec = ServiceSpec {
        name: "tickets",
        configure: Arc::new(api::routes),
        readiness: Readiness::new(),
        openapi_base: ApiDoc::openapi(),
        idempotency: None,
    };
    kefu_platform::http::openapi_of(&spec)
}
