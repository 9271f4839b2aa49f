//! Customers: who the customers are and what they are worth (PRODUCT.md §3.2).

pub mod api;
pub mod app;
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

/// The customers OpenAPI document's base: title, tags and the bearer scheme.
#[derive(OpenApi)]
#[openapi(
    info(title = "Kefu customers", version = "1", description = "Who the customers are and what they are worth."),
    modifiers(&BearerSecurity),
    tags(
        (name = "customers", description = "Customers, their contacts and lifecycle"),
        (name = "value", description = "Value records, ABC classes and pyramid tiers"),
    )
)]
pub struct ApiDoc;

/// Connects, migrates and returns the state (without a bus; see [`AppState::with_bus`]).
pub async fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    let db = kefu_platform::db::connect_and_migrate::<Migrator>(&settings.database_url).await?;
    Ok(AppState::new(db, settings))
}

/// The service as the platform runs it, verifying tokens with `verifier`.
pub fn spec(state: AppState, verifier: TokenVerifier) -> ServiceSpec {
    let mut readiness = Readiness::new().with(DatabaseReady(state.db.clone()));
    if let Some(events) = &state.relay {
        readiness = readiness.with(events.ready_check());
    }
    let auth = AuthState {
        verifier,
        guard: Some(Arc::new(kefu_directory::DirectoryGuard::new(
            state.db.clone(),
        ))),
    };
    let idempotency = kefu_platform::idempotency::IdempotencyStore(state.db.clone());
    let state = web::Data::new(state);
    let auth = web::Data::new(auth);
    ServiceSpec {
        name: "customers",
        configure: Arc::new(move |cfg| {
            cfg.app_data(state.clone()).app_data(auth.clone());
            api::routes(cfg);
        }),
        readiness,
        openapi_base: ApiDoc::openapi(),
        idempotency: Some(idempotency),
    }
}

/// The customers OpenAPI document, without a database.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let spec = ServiceSpec {
        name: "customers",
        configure: Arc::new(api::routes),
        readiness: Readiness::new(),
        openapi_base: ApiDoc::openapi(),
        idempotency: None,
    };
    kefu_platform::http::openapi_of(&spec)
}
