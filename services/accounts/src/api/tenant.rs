//! `GET/PATCH /api/v1/tenant`: the caller's own tenant and its settings.

use actix_web::{get, patch, web, HttpRequest, HttpResponse};
use kefu_platform::auth::scopes::{AccountsAdmin, AccountsRead};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::{ApiError, Authz};
use utoipa_actix_web::service_config::ServiceConfig;

use super::views::TenantView;
use crate::app::tenants::{update_settings, TenantPatch};
use crate::state::AppState;
use crate::store::tenants;

/// The caller's tenant.
#[utoipa::path(
    tag = "tenants",
    responses((status = 200, description = "The tenant", body = TenantView), ErrorResponses),
    security(("bearer" = ["accounts:read"]))
)]
#[get("/api/v1/tenant")]
pub async fn get_tenant(
    state: web::Data<AppState>,
    auth: Authz<AccountsRead>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenants::get(&state.db, auth.tenant_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(super::with_etag(tenant.version, &TenantView::from(tenant)))
}

/// Updates the tenant's settings (`If-Match` with the ETag guards against lost updates).
#[utoipa::path(
    tag = "tenants",
    request_body = TenantPatch,
    params(("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 200, description = "Updated tenant", body = TenantView), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[patch("/api/v1/tenant")]
pub async fn update_tenant(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    if_match: IfMatch,
    req: HttpRequest,
    body: Json<TenantPatch>,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let saved = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move {
                update_settings(txn, &auth.ctx, if_match, body.into_inner(), ip).await
            })
        })
        .await?;
    Ok(super::with_etag(saved.version, &TenantView::from(saved)))
}

/// Registers the tenant routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_tenant).service(update_tenant);
}
