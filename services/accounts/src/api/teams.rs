//! `/api/v1/teams`: teams and departments (after-sales, call centre …) and their members.
//! Tickets are routed to teams, so membership changes are audited.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_events::catalogue::accounts::{TeamCreated, TeamDeleted};
use kefu_platform::auth::scopes::{AccountsRead, AccountsWrite};
use kefu_platform::auth::TenantContext;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::Authz;
use kefu_platform::{ApiError, FieldError};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::announce::{emit, emit_team_change, team_data};
use crate::state::AppState;
use crate::store::audit;
use crate::store::entities::{team, user};
use crate::store::teams::TeamStore;

/// Most members one team may have in a single replace.
const MAX_MEMBERS: usize = 1000;

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

/// A new team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "After-sales", "description": "Repairs, returns and field service"}))]
pub struct NewTeamBody {
    /// Name (1–100 characters), unique in the tenant.
    #[schema(max_length = 100)]
    pub name: String,
    /// What the team does (up to 500 characters).
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

impl Validate for NewTeamBody {
    fn validate(&self) -> Result<(), ApiError> {
        Checks::new()
            .length("name", &self.name, 1, 100)
            .length_opt("description", self.description.as_deref(), 0, 500)
            .finish()
    }
}

/// Changes to a team; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "After-sales East", "description": ""}))]
pub struct TeamPatch {
    /// Name (1–100 characters), unique in the tenant.
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// What the team does (up to 500 characters); an empty string clears it.
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

impl Validate for TeamPatch {
    fn validate(&self) -> Result<(), ApiError> {
        Checks::new()
            .length_opt("name", self.name.as_deref(), 1, 100)
            .length_opt("description", self.description.as_deref(), 0, 500)
            .finish()
    }
}

/// The complete new member list of a team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_ids": ["0193a5c4-7e1f-7c3a-9d2b-5f0e8a1b2c3d", "0193a5c4-9a0b-7d4e-8f1a-2b3c4d5e6f70"]}))]
pub struct TeamMembersBody {
    /// Staff users of the tenant; duplicates are ignored.
    pub user_ids: Vec<Uuid>,
}

impl Validate for TeamMembersBody {
    fn validate(&self) -> Result<(), ApiError> {
        Checks::new()
            .ensure(
                self.user_ids.len() <= MAX_MEMBERS,
                "user_ids",
                "must list at most 1000 users",
            )
            .finish()
    }
}

/// Field errors for member ids that are not staff users of the tenant, named `user_ids[i]`.
pub fn member_errors(requested: &[Uuid], found: &[user::Model]) -> Vec<FieldError> {
    requested
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let message = match found.iter().find(|u| u.id == *id) {
                None => "is not a user of this tenant",
                // Portal users are customers, not staff: they never work tickets.
                Some(u) if u.customer_id.is_some() => "is a portal user; teams hold staff only",
                Some(_) => return None,
            };
            Some(FieldError::new(format!("user_ids[{i}]"), message))
        })
        .collect()
}

/// A team name in use; a lost race on the unique name index is the same 409 as the
/// check before it.
const NAME_TAKEN: (&str, &str) = ("team_name_taken", "a team with this name exists");

fn team_name_taken() -> ApiError {
    ApiError::conflict(NAME_TAKEN.0, NAME_TAKEN.1)
}

/// A trimmed description; empty means none.
fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// Records an action of the caller on a team, in the caller's transaction.
async fn audit_team(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    action: &'static str,
    team_id: Uuid,
    ip: Option<String>,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let entry = audit::AuditRecord {
        tenant_id: Some(ctx.tenant_id.uuid()),
        actor_id: Some(ctx.actor),
        action,
        target_type: Some("team"),
        target_id: Some(team_id),
        ip,
        details,
    };
    Ok(audit::record(txn, entry).await?)
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
    let body = body.into_inner();
    let name = body.name.trim().to_string();
    let txn = state.db.begin().await?;
    let store = TeamStore::new(&txn, auth.tenant_id);
    if store.find_by_name(&name).await?.is_some() {
        return Err(team_name_taken());
    }
    let now = Utc::now();
    let new = team::Model {
        id: Uuid::now_v7(),
        tenant_id: auth.tenant_id.uuid(),
        name,
        description: non_empty(body.description),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let created = store
        .insert(new)
        .await
        .map_err(|e| ApiError::taken_or(e, NAME_TAKEN))?;
    let tenant_id = auth.tenant_id.uuid();
    let data = team_data(&created, Vec::new());
    emit(&txn, tenant_id, Some(auth.actor), TeamCreated(data)).await?;
    let details = serde_json::json!({"name": created.name});
    audit_team(
        &txn,
        &auth,
        "team.created",
        created.id,
        super::client_ip(&req),
        details,
    )
    .await?;
    txn.commit().await?;
    state.outbox.committed();
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
    let patch = body.into_inner();
    let txn = state.db.begin().await?;
    let store = TeamStore::new(&txn, auth.tenant_id);
    let mut found = store
        .get(id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let members = store.member_ids(found.id).await?;
    let before = team_data(&found, members.clone());
    if let Some(name) = patch.name.map(|n| n.trim().to_string()) {
        // The team itself holding the name means it was renamed since it was read: the
        // versioned save answers that (412), not a name clash.
        let holder = store.find_by_name(&name).await?;
        if name != found.name && holder.is_some_and(|other| other.id != found.id) {
            return Err(team_name_taken());
        }
        found.name = name;
    }
    if let Some(description) = patch.description {
        found.description = non_empty(Some(description));
    }
    let saved = store
        .save(found, &if_match)
        .await
        .map_err(|e| ApiError::taken_or(e, NAME_TAKEN))?;
    let after = team_data(&saved, members.clone());
    emit_team_change(
        &txn,
        auth.tenant_id.uuid(),
        Some(auth.actor),
        &before,
        after,
    )
    .await?;
    let details = serde_json::json!({"name": saved.name});
    audit_team(
        &txn,
        &auth,
        "team.updated",
        saved.id,
        super::client_ip(&req),
        details,
    )
    .await?;
    let view = TeamView::new(saved, members);
    txn.commit().await?;
    state.outbox.committed();
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
    let txn = state.db.begin().await?;
    let store = TeamStore::new(&txn, auth.tenant_id);
    let found = store
        .get(id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let members = store.member_ids(found.id).await?;
    store.delete(found.id).await?;
    let data = team_data(&found, members);
    emit(
        &txn,
        auth.tenant_id.uuid(),
        Some(auth.actor),
        TeamDeleted(data),
    )
    .await?;
    let details = serde_json::json!({"name": found.name});
    audit_team(
        &txn,
        &auth,
        "team.deleted",
        found.id,
        super::client_ip(&req),
        details,
    )
    .await?;
    txn.commit().await?;
    state.outbox.committed();
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
    let requested = body.into_inner().user_ids;
    let txn = state.db.begin().await?;
    let store = TeamStore::new(&txn, auth.tenant_id);
    let found = store
        .get(id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let errors = member_errors(&requested, &store.users_among(&requested).await?);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut members = requested;
    members.sort();
    members.dedup();
    let before = team_data(&found, store.member_ids(found.id).await?);
    // The versioned save first: it takes the team's row, so a concurrent change of the
    // members waits for it and then answers 412 instead of clashing on the member rows.
    let saved = store.save(found, &if_match).await?;
    store.set_members(saved.id, &members).await?;
    let after = team_data(&saved, members.clone());
    let details = serde_json::json!({"before": before.member_ids, "after": members});
    emit_team_change(
        &txn,
        auth.tenant_id.uuid(),
        Some(auth.actor),
        &before,
        after,
    )
    .await?;
    let ip = super::client_ip(&req);
    audit_team(&txn, &auth, "team.members_changed", saved.id, ip, details).await?;
    txn.commit().await?;
    state.outbox.committed();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: Uuid, customer_id: Option<Uuid>) -> user::Model {
        let now = Utc::now();
        user::Model {
            id,
            tenant_id: Uuid::now_v7(),
            email: "a@example.com".into(),
            email_normalized: "a@example.com".into(),
            name: "A".into(),
            phone: None,
            password_hash: None,
            status: "active".into(),
            roles: "[]".into(),
            customer_id,
            contact_id: None,
            failed_logins: 0,
            failed_window_start: None,
            locked_until: None,
            last_login_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn unknown_and_portal_users_are_named_by_index() {
        let (staff, portal, stranger) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let found = vec![user(staff, None), user(portal, Some(Uuid::now_v7()))];
        let errors = member_errors(&[staff, stranger, portal], &found);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["user_ids[1]", "user_ids[2]"]);
    }

    #[test]
    fn staff_members_pass() {
        let staff = Uuid::now_v7();
        assert!(member_errors(&[staff, staff], &[user(staff, None)]).is_empty());
    }
}
