//! `/api/v1/customer-settings` (ABC shares, tier bands, projection) and
//! `POST /api/v1/customers/classification:recompute`.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::{CustomersAdmin, CustomersRead, CustomersWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::{ApiError, Authz};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::recompute::{bands_of, change_settings, recompute, Outcome, SettingsPatch};
use crate::domain::tiers::Bands;
use crate::state::AppState;
use crate::store::entities::customer_settings;
use crate::store::settings;

/// How the tenant classifies its customers.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"abc_a_percent": 80, "abc_b_percent": 15, "tier_bands": {"basis": "revenue", "vip_min": 100000000, "major_min": 20000000, "ordinary_min": 2000000}, "projection_years": 3, "currency": "CNY", "version": 1, "updated_at": "2026-11-02T02:15:00Z"}))]
pub struct SettingsView {
    /// Share of revenue the A customers make up, percent.
    pub abc_a_percent: i64,
    /// Share of revenue the B customers make up on top of A's, percent.
    pub abc_b_percent: i64,
    /// Pyramid tier minimums.
    pub tier_bands: Bands,
    /// Years the expected future profit projects.
    pub projection_years: i64,
    /// Default currency of value records (ISO 4217).
    pub currency: String,
    /// Version (also the ETag).
    pub version: i64,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<customer_settings::Model> for SettingsView {
    fn from(s: customer_settings::Model) -> Self {
        Self {
            tier_bands: bands_of(&s),
            abc_a_percent: s.abc_a_percent,
            abc_b_percent: s.abc_b_percent,
            projection_years: s.projection_years,
            currency: s.currency,
            version: s.version,
            updated_at: s.updated_at,
        }
    }
}

/// The tenant's classification settings.
#[utoipa::path(tag = "value", responses((status = 200, description = "Settings", body = SettingsView), ErrorResponses), security(("bearer" = ["customers:read"])))]
#[get("/api/v1/customer-settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
) -> Result<HttpResponse, ApiError> {
    let found = settings::get(&state.db, auth.tenant_id.uuid(), state.clock.now()).await?;
    Ok(with_etag(found.version, &SettingsView::from(found)))
}

/// Changes the settings (`If-Match` guards against lost updates) and classifies again.
#[utoipa::path(tag = "value", params(("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = SettingsPatch, responses((status = 200, description = "Settings", body = SettingsView), ErrorResponses), security(("bearer" = ["customers:admin"])))]
#[patch("/api/v1/customer-settings")]
pub async fn update_settings(
    state: web::Data<AppState>,
    auth: Authz<CustomersAdmin>,
    if_match: IfMatch,
    body: Json<SettingsPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let ctx = auth.ctx.clone();
    let now = state.clock.now();
    let saved = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move { change_settings(txn, &ctx, &if_match, patch, now).await })
        })
        .await?;
    Ok(with_etag(saved.version, &SettingsView::from(saved)))
}

/// Classifies every customer of the tenant again (ABC classes and pyramid tiers from
/// the latest year of value records); each move is announced.
#[utoipa::path(tag = "value", responses((status = 200, description = "What moved", body = Outcome), ErrorResponses), security(("bearer" = ["customers:write"])))]
#[post("/api/v1/customers/classification:recompute")]
pub async fn recompute_classification(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
) -> Result<HttpResponse, ApiError> {
    let ctx = auth.ctx.clone();
    let now = state.clock.now();
    let outcome = state
        .outbox
        .transaction::<_, Outcome, ApiError>(&state.db, move |txn| {
            Box::pin(async move { recompute(txn, ctx.tenant_id, Some(ctx.actor), now).await })
        })
        .await?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// Registers the classification routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(recompute_classification)
        .service(get_settings)
        .service(update_settings);
}
