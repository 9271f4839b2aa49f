//! Accounts: tenants, users, roles, teams, API clients, tokens and the audit log
//! (PRODUCT.md §3.1). The only issuer of access tokens.

pub mod api;
pub mod app;
pub mod domain;
pub mod error_codes;
pub mod jobs;
pub mod keys;
mod migrations;
pub mod settings;
pub mod state;
pub mod store;
pub mod tokens;

use std::sync::Arc;

use actix_web::web;
use kefu_platform::auth::{AuthState, TokenVerifier};
use kefu_platform::health::{DatabaseReady, Readiness};
use kefu_platform::http::{BearerSecurity, ServiceSpec};
use kefu_platform::idempotency::IdempotencyStore;
use utoipa::OpenApi;

pub use migrations::Migrator;
pub use settings::Settings;
pub use state::AppState;

/// The accounts OpenAPI document's base: title, tags and the bearer scheme.
#[derive(OpenApi)]
#[openapi(
    info(title = "Kefu accounts", version = "1", description = "Tenants, users, roles, teams, API clients, tokens and the audit log."),
    modifiers(&BearerSecurity),
    // Enums used only as query filters: IntoParams refers to them but does not collect them.
    components(schemas(
        api::api_clients::ApiClientStatus,
        api::users::UserStatusFilter,
        domain::status::TenantStatus
    )),
    tags(
        (name = "tenants", description = "Sign-up and the tenant's own settings"),
        (name = "auth", description = "Tokens (RFC 6749) and signing keys"),
        (name = "users", description = "Staff and portal users, invitations, sessions"),
        (name = "roles", description = "Roles as sets of scopes"),
        (name = "teams", description = "Teams and departments"),
        (name = "api-clients", description = "OAuth2 clients of third parties"),
        (name = "audit", description = "Security-relevant actions"),
        (name = "platform", description = "Platform operators (no tenant)"),
    )
)]
pub struct ApiDoc;

/// Connects, migrates, ensures a signing key, and returns the running state.
pub async fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    let db = kefu_platform::db::connect_and_migrate::<Migrator>(&settings.database_url).await?;
    AppState::new(db, settings).await
}

/// The service as the platform runs it.
pub fn spec(state: AppState) -> ServiceSpec {
    let mut readiness = Readiness::new().with(DatabaseReady(state.db.clone()));
    if let Some(events) = &state.relay {
        readiness = readiness.with(events.ready_check());
    }
    let auth = AuthState {
        verifier: TokenVerifier::new(
            Arc::new(state.keyring.clone()),
            state.settings.issuer.clone(),
        ),
        guard: Some(Arc::new(state::StatusGuard::new(state.db.clone()))),
    };
    let idempotency = IdempotencyStore(state.db.clone());
    let state = web::Data::new(state);
    let auth = web::Data::new(auth);
    ServiceSpec {
        name: "accounts",
        configure: Arc::new(move |cfg| {
            cfg.app_data(state.clone()).app_data(auth.clone());
            api::routes(cfg);
        }),
        readiness,
        openapi_base: ApiDoc::openapi(),
        idempotency: Some(idempotency),
    }
}

/// The accounts OpenAPI document, without a database.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let spec = ServiceSpec {
        name: "accounts",
        configure: Arc::new(api::routes),
        readiness: Readiness::new(),
        openapi_base: ApiDoc::openapi(),
        idempotency: None,
    };
    kefu_platform::http::openapi_of(&spec)
}
