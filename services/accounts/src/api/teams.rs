//! `/api/v1/teams`: teams and departments (after-sales, call centre …) and their members.
//! Tickets are routed to teams, so membership changes are audited.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::{AccountsRead, AccountsWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::validation::Checks;
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::teams::{
    create, delete, set_members, update, NewTeamBody, TeamMembersBody, TeamPatch,
};
use crate::state::AppState;
use crate::store::entities::team;
use crate::store::teams::TeamStore;

/// A team as clients see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a0c4-cc60-73d9-a344-5bb31738f7d9",
    "name": "After-sales",
    "description": "Repairs, returns and field service",
    "member_ids": ["0193a0c5-1a9e-7953-83f5-8c3cf29d0da9"],
    "version": 2,
    "created_at": "2026-11-02T02:05:00Z",
    "updated_at": "2026-11-20T08:00:00Z"
}))]
pub struct TeamView {
    /// Team id.
    pub id: Uuid,
    /// Name, unique in the tenant.
    pub name: String,
    /// What the team does.
    pub description: Option<String>,
    /// Users in the team, sorted.
    pub member_ids: Vec<Uuid>,
    /// Optimistic-concurrency version (also the ETag).
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at (name, description or members).
    pub updated_at: DateTime<Utc>,
}

impl TeamView {
    /// The view of a team with its members.
    pub fn new(t: team::Model, member_ids: Vec<Uuid>) -> Self {
        Self {
            id: t.id,
            name: t.name,
            description: t.description,
            member_ids,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A page of teams.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": "0193a0c4-cc60-73d9-a344-5bb31738f7d9",
            "name": "After-sales",
            "description": "Repairs, returns and field service",
            "member_ids": ["0193a0c5-1a9e-7953-83f5-8c3cf29d0da9"],
            "version": 2,
            "created_at": "2026-11-02T02:05:00Z",
            "updated_at": "2026-11-20T08:00:00Z"
        },
        {
            "id": "0193a0c4-e88b-70f2-a430-64b3d3ac94af",
            "name": "Call centre",
            "description": "Inbound hotline and online chat",
            "member_ids": ["0193a0c4-f177-7f28-a85c-2cce39263059"],
            "version": 2,
            "created_at": "2026-11-02T02:07:30Z",
            "updated_at": "2026-11-10T03:20:00Z"
        }
    ],
    "next_cursor": null
}))]
pub struct TeamPage {
    /// The teams of this page.
    pub items: Vec<TeamView>,
    /// Cursor of the next page, or null.
    pub next_cursor: Option<String>,
}

/// Filters and paging of the team list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamListQuery {
    /// Only the team with exactly this name.
    #[param(max_length = 100)]
    pub name: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Lists the tenant's teams, oldest first.
#[utoipa::path(
    tag = "teams",
    params(TeamListQuery),
    responses((status = 200, description = "A page of teams", body = TeamPage), ErrorResponses),
    security(("bearer" = ["accounts:read"]))
)]
#[get("/api/v1/teams")]
pub async fn list_teams(
    state: web::Data<AppState>,
    auth: Authz<AccountsRead>,
    query: Query<TeamListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    Checks::new()
        .length_opt("name", query.name.as_deref(), 0, 100)
        .finish()?;
    let store = TeamStore::new(&state.db, auth.tenant_id);
    let rows = store.list(query.name.as_deref(), page).await?;
    let page = Page::from_rows(rows, page, |t| t.id);
    let ids: Vec<Uuid> = page.items.iter().map(|t| t.id).collect();
    let mut members = store.members_of(&ids).await?;
    let page = page.map(|t| {
        let member_ids = members.remove(&t.id).unwrap_or_default();
        TeamView::new(t, member_ids)
    });
    Ok(HttpResponse::Ok().json(TeamPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Creates a team (without members; add them with `PUT /api/v1/teams/{id}/members`).
#[utoipa::path(
    tag = "teams",
    request_body = NewTeamBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    responses((status = 201, description = "Team created", body = TeamView), ErrorResponses),
    security(("bearer" = ["accounts:write"]))
)]
#[post("/api/v1/teams")]
pub async fn create_team(
    state: web::Data<AppState>,
    auth: Authz<AccountsWrite>,
    req: HttpRequest,
    body: Json<NewTeamBody>,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let created = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move { create(txn, &auth.ctx, body.into_inner(), ip).await })
        })
        .await?;
    let location = format!("/api/v1/teams/{}", created.id);
    Ok(super::created(
        location,
        created.version,
        &TeamView::new(created, Vec::new()),
    ))
}

/// One team of the tenant, with its members.
#[utoipa::path(
    tag = "teams",
    params(("id" = Uuid, Path, description = "Team id")),
    responses((status = 200, description = "The team", body = TeamView), ErrorResponses),
    security(("bearer" = ["accounts:read"]))
)]
#[get("/api/v1/teams/{id}")]
pub async fn get_team(
    state: web::Data<AppState>,
    auth: Authz<AccountsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = TeamStore::new(&state.db, auth.tenant_id);
    let found = store
        .get(id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let members = store.member_ids(found.id).await?;
    Ok(super::with_etag(
        found.version,
        &TeamView::new(found, members),
    ))
}

/// Renames a team or changes its description (`If-Match` guards against lost updates).
#[utoipa::path(
    tag = "teams",
    request_body = TeamPatch,
    params(
        ("id" = Uuid, Path, description = "Team id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version you read"),
    ),
    responses((status = 200, description = "Updated team", body = TeamView), ErrorResponses),
    security(("bearer" = ["accounts:write"]))
)]
#[patch("/api/v1/teams/{id}")]
pub async fn update_team(
    state: web::Data<AppState>,
    auth: Authz<AccountsWrite>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    req: HttpRequest,
    body: Json<TeamPatch>,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let (saved, members) = state
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
    let view = TeamView::new(saved, members);
    Ok(super::with_etag(view.version, &view))
}

/// Deletes a team and its memberships.
#[utoipa::path(
    tag = "teams",
    params(("id" = Uuid, Path, description = "Team id")),
    responses((status = 204, description = "Team deleted"), ErrorResponses),
    security(("bearer" = ["accounts:write"]))
)]
#[delete("/api/v1/teams/{id}")]
pub async fn delete_team(
    state: web::Data<AppState>,
    auth: Authz<AccountsWrite>,
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

/// Replaces a team's members; every id must be a staff user of the tenant.
#[utoipa::path(
    tag = "teams",
    request_body = TeamMembersBody,
    params(
        ("id" = Uuid, Path, description = "Team id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version you read"),
    ),
    responses((status = 200, description = "The team with its new members", body = TeamView), ErrorResponses),
    security(("bearer" = ["accounts:write"]))
)]
#[put("/api/v1/teams/{id}/members")]
pub async fn set_team_members(
    state: web::Data<AppState>,
    auth: Authz<AccountsWrite>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    req: HttpRequest,
    body: Json<TeamMembersBody>,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let (saved, members) = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move {
                set_members(
                    txn,
                    &auth.ctx,
                    id.into_inner(),
                    &if_match,
                    body.into_inner().user_ids,
                    ip,
                )
                .await
            })
        })
        .await?;
    let view = TeamView::new(saved, members);
    Ok(super::with_etag(view.version, &view))
}

/// Registers the team routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_teams)
        .service(create_team)
        .service(get_team)
        .service(update_team)
        .service(delete_team)
        .service(set_team_members);
}
