//! `/api/v1/api-clients`: OAuth2 clients of third parties (client-credentials grant).
//! The secret is shown once, at creation or rotation, and stored only as a digest.

use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::AccountsAdmin;
use kefu_platform::concurrency::etag;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::api_clients::{
    create, ensure_manageable, manageable, revoke, rotate_secret, NewApiClientBody, ACTIVE, REVOKED,
};
use crate::state::AppState;
use crate::store::api_clients::ApiClientStore;
use crate::store::decode_list;
use crate::store::entities::api_client;

/// An API client as clients see it (never the secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5c4-7e1f-7c3a-9d2b-5f0e8a1b2c3d",
    "name": "ERP sync",
    "client_id": "kc_Vb3xQ9mT2pL7rK1sW8yZ4a",
    "scopes": ["customers:read", "tickets:read"],
    "status": "active",
    "last_used_at": "2026-11-23T09:00:00Z",
    "version": 1,
    "created_at": "2026-11-23T08:00:00Z",
    "updated_at": "2026-11-23T08:00:00Z"
}))]
pub struct ApiClientView {
    /// Client record id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Public client id for the token endpoint (`kc_…`).
    pub client_id: String,
    /// Scopes the client may request.
    pub scopes: Vec<String>,
    /// `active` or `revoked`.
    pub status: String,
    /// Last token issued to the client, if tracked.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Optimistic-concurrency version (also the ETag).
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<api_client::Model> for ApiClientView {
    fn from(c: api_client::Model) -> Self {
        Self {
            id: c.id,
            scopes: decode_list(&c.scopes),
            name: c.name,
            client_id: c.client_id,
            status: c.status,
            last_used_at: c.last_used_at,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A client with its secret: only in the answer that creates or rotates it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a5c4-7e1f-7c3a-9d2b-5f0e8a1b2c3d", "name": "ERP sync", "client_id": "kc_Vb3xQ9mT2pL7rK1sW8yZ4a", "scopes": ["customers:read", "tickets:read"], "status": "active", "last_used_at": null, "version": 1, "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z", "client_secret": "ks_q2V1e8nS0c4T9mXoL5rJ7aB3dF6gH1kP2wY8zU0iE4"}))]
pub struct ApiClientWithSecret {
    /// The client.
    #[serde(flatten)]
    pub client: ApiClientView,
    /// The secret (`ks_…`); store it now, it is never shown again.
    pub client_secret: String,
}

/// A page of API clients.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": "0193a0c5-5938-74a2-893b-79a96b4cb242",
            "name": "Legacy CRM import",
            "client_id": "kc_WKmQXK2HvUx34pg_J3Rcy5",
            "scopes": ["customers:read", "customers:write"],
            "status": "revoked",
            "last_used_at": "2026-11-20T16:00:00Z",
            "version": 2,
            "created_at": "2026-11-03T06:00:00Z",
            "updated_at": "2026-11-21T02:00:00Z"
        },
        {
            "id": "0193a5c4-7e1f-7c3a-9d2b-5f0e8a1b2c3d",
            "name": "ERP sync",
            "client_id": "kc_Vb3xQ9mT2pL7rK1sW8yZ4a",
            "scopes": ["customers:read", "tickets:read"],
            "status": "active",
            "last_used_at": "2026-11-23T09:00:00Z",
            "version": 1,
            "created_at": "2026-11-23T08:00:00Z",
            "updated_at": "2026-11-23T08:00:00Z"
        }
    ],
    "next_cursor": null
}))]
pub struct ApiClientPage {
    /// The clients of this page.
    pub items: Vec<ApiClientView>,
    /// Cursor of the next page, or null.
    pub next_cursor: Option<String>,
}

/// A client's status, as a list filter.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiClientStatus {
    /// Can get tokens.
    Active,
    /// Revoked.
    Revoked,
}

/// Filters and paging of the client list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiClientListQuery {
    /// Only clients of this status.
    pub status: Option<ApiClientStatus>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// An answer carrying a secret: never cached.
fn secret_response(
    mut builder: actix_web::HttpResponseBuilder,
    body: &ApiClientWithSecret,
) -> HttpResponse {
    builder
        .insert_header(("ETag", etag(body.client.version)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// Lists the tenant's API clients, oldest first: those whose every scope the caller holds.
#[utoipa::path(
    tag = "api-clients",
    params(ApiClientListQuery),
    responses((status = 200, description = "A page of API clients", body = ApiClientPage), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[get("/api/v1/api-clients")]
pub async fn list_api_clients(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    query: Query<ApiClientListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    let status = query.status.map(|s| match s {
        ApiClientStatus::Active => ACTIVE,
        ApiClientStatus::Revoked => REVOKED,
    });
    let rows = ApiClientStore::new(&state.db, auth.tenant_id)
        .list(status, page)
        .await?;
    // Clients with a scope the caller lacks are left out; the cursor still follows every
    // row read, so a page may hold fewer than `limit` clients.
    let mut page = Page::from_rows(rows, page, |c| c.id);
    page.items.retain(|client| manageable(&auth.ctx, client));
    let page = page.map(ApiClientView::from);
    Ok(HttpResponse::Ok().json(ApiClientPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Creates an API client; the answer holds its secret, shown only this once.
#[utoipa::path(
    tag = "api-clients",
    request_body = NewApiClientBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    responses((status = 201, description = "Client created, with its secret", body = ApiClientWithSecret), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[post("/api/v1/api-clients")]
pub async fn create_api_client(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    req: HttpRequest,
    body: Json<NewApiClientBody>,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let (created, client_secret) = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move { create(txn, &auth.ctx, body.into_inner(), ip).await })
        })
        .await?;
    let mut builder = HttpResponse::Created();
    builder.insert_header((
        header::LOCATION,
        format!("/api/v1/api-clients/{}", created.id),
    ));
    let body = ApiClientWithSecret {
        client: created.into(),
        client_secret,
    };
    Ok(secret_response(builder, &body))
}

/// One API client of the tenant (without its secret); the caller must hold its every scope.
#[utoipa::path(
    tag = "api-clients",
    params(("id" = Uuid, Path, description = "Client record id")),
    responses((status = 200, description = "The client", body = ApiClientView), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[get("/api/v1/api-clients/{id}")]
pub async fn get_api_client(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = ApiClientStore::new(&state.db, auth.tenant_id);
    let found = store
        .get(id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    ensure_manageable(&auth.ctx, &found)?;
    Ok(super::with_etag(found.version, &ApiClientView::from(found)))
}

/// Revokes an API client: its secret and tokens stop working. Revoking twice is a no-op.
/// The caller must hold every scope the client holds.
#[utoipa::path(
    tag = "api-clients",
    params(("id" = Uuid, Path, description = "Client record id")),
    responses((status = 204, description = "Client revoked"), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[delete("/api/v1/api-clients/{id}")]
pub async fn revoke_api_client(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move { revoke(txn, &auth.ctx, id.into_inner(), ip).await })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replaces an active client's secret; the old one stops working at once. The caller
/// must hold every scope the client holds.
/// The answer holds the new secret, shown only this once.
#[utoipa::path(
    tag = "api-clients",
    params(("id" = Uuid, Path, description = "Client record id")),
    responses((status = 200, description = "The client with its new secret", body = ApiClientWithSecret), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[post("/api/v1/api-clients/{id}/secret")]
pub async fn rotate_api_client_secret(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let (saved, client_secret) = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move { rotate_secret(txn, &auth.ctx, id.into_inner(), ip).await })
        })
        .await?;
    let body = ApiClientWithSecret {
        client: saved.into(),
        client_secret,
    };
    Ok(secret_response(HttpResponse::Ok(), &body))
}

/// Registers the API-client routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_api_clients)
        .service(create_api_client)
        .service(get_api_client)
        .service(revoke_api_client)
        .service(rotate_api_client_secret);
}
