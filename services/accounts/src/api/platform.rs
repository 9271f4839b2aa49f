//! `/api/v1/platform/…`: what platform operators (no tenant, `platform:admin`) do —
//! list, suspend, restore and delete tenants, and rotate the token signing key.
//! Operators see tenant records only, never a tenant's data.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use kefu_platform::auth::Operator;
use kefu_platform::http::ErrorResponses;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::ApiError;
use kefu_platform::TenantScope;
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::TenantView;
use crate::app::announce::{emit_tenant_change, tenant_data};
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

/// What an operator asks of a tenant's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantAction {
    /// Stop every token of the tenant.
    Suspend,
    /// Let a suspended tenant work again.
    Restore,
    /// Delete the tenant for good.
    Delete,
}

impl TenantAction {
    fn audit_action(self) -> &'static str {
        match self {
            Self::Suspend => "tenant.suspended",
            Self::Restore => "tenant.restored",
            Self::Delete => "tenant.deleted",
        }
    }
}

/// The status after `action`: `Ok(None)` when the tenant is already there (a retry is
/// harmless), 409 `illegal_transition` when a deleted tenant would come back.
pub fn next_status(
    current: TenantStatus,
    action: TenantAction,
) -> Result<Option<TenantStatus>, ApiError> {
    use TenantAction as A;
    use TenantStatus as S;
    match (current, action) {
        (S::Suspended, A::Suspend) | (S::Active, A::Restore) | (S::Deleted, A::Delete) => Ok(None),
        (S::Active, A::Suspend) => Ok(Some(S::Suspended)),
        (S::Suspended, A::Restore) => Ok(Some(S::Active)),
        (S::Active | S::Suspended, A::Delete) => Ok(Some(S::Deleted)),
        (S::Deleted, A::Suspend | A::Restore) => Err(ApiError::IllegalTransition {
            detail: "the tenant is deleted".into(),
            allowed: Vec::new(),
        }),
    }
}

/// Applies `action` to a tenant in one transaction, with its audit entry.
async fn change_status(
    state: &AppState,
    operator: &Operator,
    id: Uuid,
    action: TenantAction,
    ip: Option<String>,
) -> Result<TenantView, ApiError> {
    let operator_id = operator.operator_id;
    let saved = state
        .db
        .transaction::<_, _, ApiError>(|txn| {
            Box::pin(async move {
                let mut tenant = tenants::get(txn, TenantScope::by_credential(id, "operator token").tenant()).await?.ok_or(ApiError::NotFound)?;
                let current = TenantStatus::parse(&tenant.status)
                    .ok_or_else(|| ApiError::internal(anyhow::anyhow!("tenant {id} has unknown status {}", tenant.status)))?;
                let Some(next) = next_status(current, action)? else {
                    return Ok(tenant);
                };
                let before = tenant_data(&tenant);
                tenant.status = next.as_str().into();
                let mut details = serde_json::json!({"by": "platform_operator", "from": current.as_str(), "to": next.as_str()});
                if next == TenantStatus::Deleted {
                    tenant.deleted_at = Some(Utc::now());
                    details["rows_purged"] = crate::store::tenant_purge::purge(txn, id).await?.into();
                }
                let saved = tenants::save(txn, tenant).await?;
                emit_tenant_change(txn, Some(operator_id), &before, tenant_data(&saved)).await?;
                // Recorded in the tenant's own log so its owner can see what the platform did;
                // after a purge it is the one entry left, the record of the deletion.
                audit::record(txn, audit::AuditRecord {
                    tenant_id: Some(saved.id), actor_id: Some(operator_id), action: action.audit_action(),
                    target_type: Some("tenant"), target_id: Some(saved.id), ip,
                    details,
                }).await?;
                Ok(saved)
            })
        })
        .await?;
    state.outbox.committed();
    Ok(TenantView::from(saved))
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
    let view = change_status(
        &state,
        &operator,
        id.into_inner(),
        TenantAction::Suspend,
        super::client_ip(&req),
    )
    .await?;
    Ok(super::with_etag(view.version, &view))
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
    let view = change_status(
        &state,
        &operator,
        id.into_inner(),
        TenantAction::Restore,
        super::client_ip(&req),
    )
    .await?;
    Ok(super::with_etag(view.version, &view))
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
    change_status(
        &state,
        &operator,
        id.into_inner(),
        TenantAction::Delete,
        super::client_ip(&req),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use TenantAction as A;
    use TenantStatus as S;

    #[test]
    fn transitions_and_harmless_retries() {
        assert_eq!(
            next_status(S::Active, A::Suspend).ok(),
            Some(Some(S::Suspended))
        );
        assert_eq!(
            next_status(S::Suspended, A::Restore).ok(),
            Some(Some(S::Active))
        );
        assert_eq!(
            next_status(S::Suspended, A::Delete).ok(),
            Some(Some(S::Deleted))
        );
        assert_eq!(next_status(S::Suspended, A::Suspend).ok(), Some(None));
        assert_eq!(next_status(S::Deleted, A::Delete).ok(), Some(None));
    }

    #[test]
    fn a_deleted_tenant_stays_deleted() {
        assert!(matches!(
            next_status(S::Deleted, A::Restore),
            Err(ApiError::IllegalTransition { .. })
        ));
        assert!(matches!(
            next_status(S::Deleted, A::Suspend),
            Err(ApiError::IllegalTransition { .. })
        ));
    }
}
