//! `/api/v1/roles`: the tenant's roles as named sets of scopes (PRODUCT.md §2).
//! Seeded roles are editable, except the `owner` role's scopes; none can be deleted.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::{AccountsAdmin, AccountsRead};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::roles::{create, delete, update, NewRoleBody, RolePatch};
use crate::state::AppState;
use crate::store::decode_list;
use crate::store::entities::role;
use crate::store::roles::RoleStore;

/// A role as clients see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a0c5-4fb3-70be-b6f1-25b28e81973e",
    "key": "night_shift_lead",
    "name": "Night-shift lead",
    "description": "Leads the night shift of the call centre",
    "scopes": ["accounts:read", "customers:read", "tickets:assign", "tickets:read", "tickets:write"],
    "builtin": false,
    "version": 1,
    "created_at": "2026-11-21T09:10:00Z",
    "updated_at": "2026-11-21T09:10:00Z"
}))]
pub struct RoleView {
    /// Role id.
    pub id: Uuid,
    /// Stable key, as stored on users and in tokens' `roles` claim.
    pub key: String,
    /// Display name.
    pub name: String,
    /// What the role is for.
    pub description: Option<String>,
    /// Scopes the role grants, sorted.
    pub scopes: Vec<String>,
    /// Seeded with the tenant (cannot be deleted).
    pub builtin: bool,
    /// Optimistic-concurrency version (also the ETag).
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<role::Model> for RoleView {
    fn from(r: role::Model) -> Self {
        Self {
            id: r.id,
            scopes: decode_list(&r.scopes),
            key: r.key,
            name: r.name,
            description: r.description,
            builtin: r.builtin,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A page of roles.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": "0193a0c4-becc-7181-a54c-66175d9dc9f8",
            "key": "agent",
            "name": "Agent",
            "description": "Call-centre or desk agent",
            "scopes": ["accounts:read", "customers:read", "customers:write", "kb:read", "surveys:read", "tickets:assign", "tickets:read", "tickets:write", "training:read"],
            "builtin": true,
            "version": 2,
            "created_at": "2026-11-02T01:30:00Z",
            "updated_at": "2026-11-21T09:30:00Z"
        },
        {
            "id": "0193a0c4-c382-7e8e-8dbd-9d7381e74ef5",
            "key": "engineer",
            "name": "Engineer",
            "description": "Field or service engineer",
            "scopes": ["accounts:read", "customers:read", "kb:read", "tickets:read", "tickets:write", "training:read"],
            "builtin": true,
            "version": 1,
            "created_at": "2026-11-02T01:30:00Z",
            "updated_at": "2026-11-02T01:30:00Z"
        }
    ],
    "next_cursor": "AZOgxMOCfo6NvZ1zgedO9Q"
}))]
pub struct RolePage {
    /// The roles of this page.
    pub items: Vec<RoleView>,
    /// Cursor of the next page, or null.
    pub next_cursor: Option<String>,
}

/// Paging of the role list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoleListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Lists the tenant's roles, oldest first.
#[utoipa::path(
    tag = "roles",
    params(RoleListQuery),
    responses((status = 200, description = "A page of roles", body = RolePage), ErrorResponses),
    security(("bearer" = ["accounts:read"]))
)]
#[get("/api/v1/roles")]
pub async fn list_roles(
    state: web::Data<AppState>,
    auth: Authz<AccountsRead>,
    query: Query<RoleListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    let rows = RoleStore::new(&state.db, auth.tenant_id).list(page).await?;
    let page = Page::from_rows(rows, page, |r| r.id).map(RoleView::from);
    Ok(HttpResponse::Ok().json(RolePage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Creates a tenant-defined role.
#[utoipa::path(
    tag = "roles",
    request_body = NewRoleBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    responses((status = 201, description = "Role created", body = RoleView), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[post("/api/v1/roles")]
pub async fn create_role(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    req: HttpRequest,
    body: Json<NewRoleBody>,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let created = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move { create(txn, &auth.ctx, body.into_inner(), ip).await })
        })
        .await?;
    let location = format!("/api/v1/roles/{}", created.id);
    Ok(super::created(
        location,
        created.version,
        &RoleView::from(created),
    ))
}

/// One role of the tenant.
#[utoipa::path(
    tag = "roles",
    params(("id" = Uuid, Path, description = "Role id")),
    responses((status = 200, description = "The role", body = RoleView), ErrorResponses),
    security(("bearer" = ["accounts:read"]))
)]
#[get("/api/v1/roles/{id}")]
pub async fn get_role(
    state: web::Data<AppState>,
    auth: Authz<AccountsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = RoleStore::new(&state.db, auth.tenant_id);
    let found = store
        .get(id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(super::with_etag(found.version, &RoleView::from(found)))
}

/// Updates a role's name, description or scopes (`If-Match` guards against lost updates).
/// The `owner` role's scopes are fixed. Holders get the new scopes with their next token.
#[utoipa::path(
    tag = "roles",
    request_body = RolePatch,
    params(
        ("id" = Uuid, Path, description = "Role id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version you read"),
    ),
    responses((status = 200, description = "Updated role", body = RoleView), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[patch("/api/v1/roles/{id}")]
pub async fn update_role(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    req: HttpRequest,
    body: Json<RolePatch>,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let saved = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move {
                update(
                    txn,
                    &auth.ctx,
                    id.into_inner(),
                    &if_match,
                    body.into_inner(),
                    ip,
                )
                .await
            })
        })
        .await?;
    Ok(super::with_etag(saved.version, &RoleView::from(saved)))
}

/// Deletes a tenant-defined role that no user holds.
#[utoipa::path(
    tag = "roles",
    params(("id" = Uuid, Path, description = "Role id")),
    responses((status = 204, description = "Role deleted"), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[delete("/api/v1/roles/{id}")]
pub async fn delete_role(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move { delete(txn, &auth.ctx, id.into_inner(), ip).await })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the role routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_roles)
        .service(create_role)
        .service(get_role)
        .service(update_role)
        .service(delete_role);
}
