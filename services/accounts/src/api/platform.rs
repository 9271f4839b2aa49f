//! `/api/v1/platform/…`: what platform operators (no tenant, `platform:admin`) do —
//! list, suspend, restore and delete tenants, and rotate the token signing key.
//! Operators see tenant records only, never a tenant's data.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use kefu_platform::auth::Operator;
use kefu_platform::http::ErrorResponses;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::ApiError;
use kefu_platform::TenantScope;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::TenantView;
use crate::app::tenants::change_status;
use crate::domain::status::TenantAction;
use crate::domain::status::TenantStatus;
use crate::state::AppState;
use crate::store::{audit, tenants};

/// A page of tenants.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37",
            "slug": "acme",
            "name": "Acme Service Centre",
            "status": "active",
            "plan": "standard",
            "quotas": {"max_users": 50, "requests_per_minute": 600},
            "time_zone": "Asia/Shanghai",
            "locale": "zh-CN",
            "business_hours_calendar": null,
            "version": 3,
            "created_at": "2026-11-02T01:30:00Z",
            "updated_at": "2026-11-16T06:45:00Z"
        },
        {
            "id": "0193a0c5-e4de-7101-83d0-816d907a70c3",
            "slug": "huaxin",
            "name": "Huaxin Appliance Service",
            "status": "suspended",
            "plan": "free",
            "quotas": {"max_users": 5, "requests_per_minute": 120},
            "time_zone": "Asia/Shanghai",
            "locale": "zh-CN",
            "business_hours_calendar": null,
            "version": 2,
            "created_at": "2026-11-05T03:00:00Z",
            "updated_at": "2026-11-19T10:00:00Z"
        }
    ],
    "next_cursor": null
}))]
pub struct TenantPage {
    /// The tenants of this page.
    pub items: Vec<TenantView>,
    /// Cursor of the next page, or null.
    pub next_cursor: Option<String>,
}

/// Filters and paging of the tenant list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenantListQuery {
    /// Only tenants of this status.
    pub status: Option<TenantStatus>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// The answer to a key rotation.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"kid": "k0193a5c47e1f7c3a9d2b5f0e8a1b2c3d"}))]
pub struct RotatedKey {
    /// Key id of the new signing key; the previous key keeps verifying until its tokens expire.
    pub kid: String,
}

/// Lists every tenant, oldest first.
#[utoipa::path(
    tag = "platform",
    params(TenantListQuery),
    responses((status = 200, description = "A page of tenants", body = TenantPage), ErrorResponses),
    security(("bearer" = ["platform:admin"]))
)]
#[get("/api/v1/platform/tenants")]
pub async fn list_tenants(
    state: web::Data<AppState>,
    _operator: Operator,
    query: Query<TenantListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    let rows = tenants::list_all(&state.db, query.status.map(TenantStatus::as_str), page).await?;
    let page = Page::from_rows(rows, page, |t| t.id).map(TenantView::from);
    Ok(HttpResponse::Ok().json(TenantPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One tenant, in any status.
#[utoipa::path(
    tag = "platform",
    operation_id = "platform_get_tenant",
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 200, description = "The tenant", body = TenantView), ErrorResponses),
    security(("bearer" = ["platform:admin"]))
)]
#[get("/api/v1/platform/tenants/{id}")]
pub async fn get_tenant(
    state: web::Data<AppState>,
    _operator: Operator,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenants::get(
        &state.db,
        TenantScope::by_credential(id.into_inner(), "operator token").tenant(),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(super::with_etag(tenant.version, &TenantView::from(tenant)))
}

/// Suspends a tenant: from then on every token of the tenant is refused (the status
/// guard checks the tenant on each request) and nobody of it can log in.
/// Suspending a suspended tenant changes nothing.
#[utoipa::path(
    tag = "platform",
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 200, description = "The suspended tenant", body = TenantView), ErrorResponses),
    security(("bearer" = ["platform:admin"]))
)]
#[post("/api/v1/platform/tenants/{id}/suspend")]
pub async fn suspend_tenant(
    state: web::Data<AppState>,
    operator: Operator,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let view = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move {
                change_status(
                    txn,
                    operator.operator_id,
                    id.into_inner(),
                    TenantAction::Suspend,
                    ip,
                )
                .await
            })
        })
        .await?;
    Ok(super::with_etag(view.version, &TenantView::from(view)))
}

/// Restores a suspended tenant. Restoring an active tenant changes nothing; a deleted
/// tenant cannot be restored (409 `illegal_transition`).
#[utoipa::path(
    tag = "platform",
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 200, description = "The restored tenant", body = TenantView), ErrorResponses),
    security(("bearer" = ["platform:admin"]))
)]
#[post("/api/v1/platform/tenants/{id}/restore")]
pub async fn restore_tenant(
    state: web::Data<AppState>,
    operator: Operator,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let view = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move {
                change_status(
                    txn,
                    operator.operator_id,
                    id.into_inner(),
                    TenantAction::Restore,
                    ip,
                )
                .await
            })
        })
        .await?;
    Ok(super::with_etag(view.version, &TenantView::from(view)))
}

/// Deletes a tenant: status `deleted` with `deleted_at` set, every token of it refused
/// from then on, and its users, sessions, roles, teams, clients and audit log erased from
/// accounts in the same transaction. The purge in the other services is driven by the
/// `tenant.deleted` event (PRODUCT.md §4). Deleting a deleted tenant changes nothing.
#[utoipa::path(
    tag = "platform",
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 204, description = "Tenant deleted"), ErrorResponses),
    security(("bearer" = ["platform:admin"]))
)]
#[delete("/api/v1/platform/tenants/{id}")]
pub async fn delete_tenant(
    state: web::Data<AppState>,
    operator: Operator,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move {
                change_status(
                    txn,
                    operator.operator_id,
                    id.into_inner(),
                    TenantAction::Delete,
                    ip,
                )
                .await
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a new signing key and retires the active one; the retired key stays in the
/// JWKS until every token it signed has expired, so no token fails early.
#[utoipa::path(
    tag = "platform",
    responses((status = 200, description = "The new key's id", body = RotatedKey), ErrorResponses),
    security(("bearer" = ["platform:admin"]))
)]
#[post("/api/v1/platform/signing-keys/rotate")]
pub async fn rotate_signing_key(
    state: web::Data<AppState>,
    operator: Operator,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let kid = state.keyring.rotate().await.map_err(ApiError::internal)?;
    audit::record(
        &state.db,
        audit::AuditRecord {
            tenant_id: None,
            actor_id: Some(operator.operator_id),
            action: "keys.rotated",
            target_type: Some("signing_key"),
            target_id: None,
            ip: super::client_ip(&req),
            details: serde_json::json!({"kid": kid}),
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(RotatedKey { kid }))
}

/// Registers the operator routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(rotate_signing_key)
        .service(list_tenants)
        .service(get_tenant)
        .service(suspend_tenant)
        .service(restore_tenant)
        .service(delete_tenant);
}
