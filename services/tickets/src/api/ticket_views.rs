//! `/api/v1/tickets/views`: saved filters (my open tickets, unassigned, breaching soon…)
//! for a user, a team or the whole tenant, with their counts — the agent's queues.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::TicketsRead;
use kefu_platform::auth::TenantContext;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::tickets::TicketListQuery;
use crate::state::AppState;
use crate::store::entities::ticket_view;
use crate::store::tickets::{TicketFilter, TicketStore};
use crate::store::views::ViewStore;
use crate::store::{decode_list, directory};

/// Who sees a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ViewScope {
    /// Only its creator.
    Personal,
    /// A team's members (needs `tickets:admin`).
    Team,
    /// Everyone in the tenant (needs `tickets:admin`).
    Shared,
}

/// A new view.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "My open tickets", "query": "assignee_id=me&status=new,open,pending", "scope": "personal"}))]
pub struct NewViewBody {
    /// Name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: String,
    /// The filter, as the query string of `GET /api/v1/tickets` (up to 2000 characters);
    /// `assignee_id=me` is the viewer.
    #[schema(max_length = 2000)]
    pub query: String,
    /// Who sees it.
    pub scope: ViewScope,
    /// The team (scope `team`).
    pub team_id: Option<Uuid>,
    /// Order.
    pub position: Option<i64>,
}

impl Validate for NewViewBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 100);
        checks.length("query", &self.query, 0, 2_000);
        checks.ensure(
            self.scope != ViewScope::Team || self.team_id.is_some(),
            "team_id",
            "a team view names its team",
        );
        checks.finish()
    }
}

/// Changes to a view.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"query": "assignee_id=me&status=open"}))]
pub struct ViewPatch {
    /// Name.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: Option<String>,
    /// The filter (up to 2000 characters).
    #[schema(max_length = 2000)]
    pub query: Option<String>,
    /// Order.
    pub position: Option<i64>,
}

impl Validate for ViewPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length_opt("name", self.name.as_deref().map(str::trim), 1, 100);
        checks.length_opt("query", self.query.as_deref(), 0, 2_000);
        checks.finish()
    }
}

/// A view with how many tickets it holds now.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "name": "My open tickets", "query": "assignee_id=me&status=new,open,pending", "scope": "personal", "team_id": null, "position": 0, "count": 12, "version": 1}))]
pub struct ViewView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The filter.
    pub query: String,
    /// Who sees it.
    pub scope: ViewScope,
    /// The team (team views).
    pub team_id: Option<Uuid>,
    /// Order.
    pub position: i64,
    /// Tickets in it now.
    pub count: u64,
    /// Version.
    pub version: i64,
}

/// The views the caller sees.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct ViewList {
    /// Personal, then team, then shared views, each in order.
    pub items: Vec<ViewView>,
}

/// The filter of a view's query for `viewer`; a 422 naming `query` if it does not parse.
pub fn view_filter(
    query: &str,
    viewer: Uuid,
    now: DateTime<Utc>,
) -> Result<TicketFilter, ApiError> {
    let query = query.replace("assignee_id=me", &format!("assignee_id={viewer}"));
    let parsed: TicketListQuery = serde_urlencoded::from_str(&query)
        .map_err(|e| ApiError::field("query", format!("is not a ticket list query: {e}")))?;
    parsed.filter(now).map_err(|e| match e {
        ApiError::Validation(errors) => ApiError::Validation(
            errors
                .into_iter()
                .map(|fe| kefu_platform::FieldError::new(format!("query.{}", fe.field), fe.message))
                .collect(),
        ),
        other => other,
    })
}

fn scope_of(v: &ticket_view::Model) -> ViewScope {
    match (v.owner_id, v.team_id) {
        (Some(_), _) => ViewScope::Personal,
        (None, Some(_)) => ViewScope::Team,
        (None, None) => ViewScope::Shared,
    }
}

/// Whether `ctx` may change `view`: its owner, or an admin for team and shared views.
fn may_change(ctx: &TenantContext, view: &ticket_view::Model) -> bool {
    match view.owner_id {
        Some(owner) => owner == ctx.actor,
        None => ctx.has_scope("tickets:admin"),
    }
}

async fn visible(
    state: &AppState,
    ctx: &TenantContext,
) -> Result<Vec<ticket_view::Model>, ApiError> {
    let teams: Vec<Uuid> = match directory::user(&state.db, ctx.tenant_id.uuid(), ctx.actor).await?
    {
        Some(user) => decode_list(&user.team_ids),
        None => Vec::new(),
    };
    let mut views: Vec<ticket_view::Model> = ViewStore::new(&state.db, ctx.tenant_id)
        .all()
        .await?
        .into_iter()
        .filter(|v| match (v.owner_id, v.team_id) {
            (Some(owner), _) => owner == ctx.actor,
            (None, Some(team)) => teams.contains(&team),
            (None, None) => true,
        })
        .collect();
    views.sort_by_key(|v| match scope_of(v) {
        ViewScope::Personal => 0,
        ViewScope::Team => 1,
        ViewScope::Shared => 2,
    });
    Ok(views)
}

async fn with_count(
    state: &AppState,
    ctx: &TenantContext,
    v: ticket_view::Model,
) -> Result<ViewView, ApiError> {
    let count = match view_filter(&v.query, ctx.actor, state.clock.now()) {
        Ok(filter) => {
            TicketStore::new(&state.db, ctx.tenant_id)
                .count(&filter)
                .await?
        }
        Err(_) => 0,
    };
    Ok(ViewView {
        id: v.id,
        scope: scope_of(&v),
        name: v.name,
        query: v.query,
        team_id: v.team_id,
        position: v.position,
        count,
        version: v.version,
    })
}

async fn find(
    state: &AppState,
    ctx: &TenantContext,
    id: Uuid,
) -> Result<ticket_view::Model, ApiError> {
    visible(state, ctx)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or(ApiError::NotFound)
}

/// The caller's views with their counts.
#[utoipa::path(tag = "tickets", responses((status = 200, description = "Views", body = ViewList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/tickets/views")]
pub async fn list_views(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
) -> Result<HttpResponse, ApiError> {
    let mut items = Vec::new();
    for v in visible(&state, &auth).await? {
        items.push(with_count(&state, &auth, v).await?);
    }
    Ok(HttpResponse::Ok().json(ViewList { items }))
}

/// Saves a view; team and shared views need `tickets:admin`.
#[utoipa::path(tag = "tickets", request_body = NewViewBody, responses((status = 201, description = "View saved", body = ViewView), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[post("/api/v1/tickets/views")]
pub async fn create_view(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    body: Json<NewViewBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if body.scope != ViewScope::Personal && !auth.has_scope("tickets:admin") {
        return Err(ApiError::Forbidden("tickets:admin".into()));
    }
    view_filter(&body.query, auth.actor, state.clock.now())?;
    let now = state.clock.now();
    let model = ticket_view::Model {
        id: Uuid::now_v7(),
        tenant_id: auth.tenant_id.uuid(),
        name: body.name.trim().to_string(),
        query: body.query,
        owner_id: (body.scope == ViewScope::Personal).then_some(auth.actor),
        team_id: if body.scope == ViewScope::Team {
            body.team_id
        } else {
            None
        },
        position: body.position.unwrap_or(0),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let model = ViewStore::new(&state.db, auth.tenant_id)
        .insert(model)
        .await?;
    let view = with_count(&state, &auth, model).await?;
    Ok(created(
        format!("/api/v1/tickets/views/{}", view.id),
        view.version,
        &view,
    ))
}

/// One view the caller sees, with its count.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "View id")), responses((status = 200, description = "The view", body = ViewView, headers(("ETag" = String, description = "The view's version"))), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/tickets/views/{id}")]
pub async fn get_view(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = find(&state, &auth, *id).await?;
    let out = with_count(&state, &auth, view).await?;
    Ok(with_etag(out.version, &out))
}

/// Changes a view (its owner, or an admin for team and shared views).
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "View id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = ViewPatch, responses((status = 200, description = "The view", body = ViewView), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[patch("/api/v1/tickets/views/{id}")]
pub async fn update_view(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<ViewPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let mut view = find(&state, &auth, *id).await?;
    if !may_change(&auth, &view) {
        return Err(ApiError::Forbidden("tickets:admin".into()));
    }
    if let Some(name) = patch.name {
        view.name = name.trim().to_string();
    }
    if let Some(query) = patch.query {
        view_filter(&query, auth.actor, state.clock.now())?;
        view.query = query;
    }
    if let Some(position) = patch.position {
        view.position = position;
    }
    view.updated_at = state.clock.now();
    let view = ViewStore::new(&state.db, auth.tenant_id)
        .save(view, &if_match)
        .await?;
    let out = with_count(&state, &auth, view).await?;
    Ok(with_etag(out.version, &out))
}

/// Deletes a view (its owner, or an admin for team and shared views).
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "View id")), responses((status = 204, description = "Deleted"), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[delete("/api/v1/tickets/views/{id}")]
pub async fn delete_view(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = find(&state, &auth, *id).await?;
    if !may_change(&auth, &view) {
        return Err(ApiError::Forbidden("tickets:admin".into()));
    }
    ViewStore::new(&state.db, auth.tenant_id)
        .delete(view.id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the view routes (before `/api/v1/tickets/{id}`, which would take `views`).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_views)
        .service(create_view)
        .service(get_view)
        .service(update_view)
        .service(delete_view);
}
