//! `/api/v1/tickets/{id}/steps`: the service checklist of a ticket, with owners and due times.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::{TicketsRead, TicketsWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::ids::TenantId;
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::access::Caller;
use crate::app::tickets::visible_ticket;
use crate::domain::history::changed_fields;
use crate::domain::ids::TicketId;
use crate::state::AppState;
use crate::store::entities::ticket_step;
use crate::store::history::HistoryStore;
use crate::store::structure::StructureStore;

/// A new step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Replace the fuser unit", "owner_id": "0193a0c4-f177-7f28-a85c-2cce39263059", "due_at": "2026-11-25T10:00:00Z"}))]
pub struct NewStepBody {
    /// What to do, 1–200 characters.
    #[schema(max_length = 200)]
    pub title: String,
    /// Who does it (an active staff user).
    pub owner_id: Option<Uuid>,
    /// When it must be done.
    pub due_at: Option<DateTime<Utc>>,
    /// Place in the checklist (default last).
    pub position: Option<i64>,
}

impl Validate for NewStepBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("title", self.title.trim(), 1, 200);
        checks.finish()
    }
}

/// Changes to a step; `done` ticks it off (or on again).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"done": true}))]
pub struct StepPatch {
    /// Title, 1–200 characters.
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// Owner (`null` clears).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_id: Option<Option<Uuid>>,
    /// Due time (`null` clears).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub due_at: Option<Option<DateTime<Utc>>>,
    /// Done or not.
    pub done: Option<bool>,
}

impl Validate for StepPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length_opt("title", self.title.as_deref().map(str::trim), 1, 200);
        checks.finish()
    }
}

/// A step.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c5-0a1b-7c3d-8e4f-5a6b7c8d9e0f", "position": 0, "title": "Replace the fuser unit", "owner_id": null, "due_at": "2026-11-25T10:00:00Z", "done_at": null, "overdue": false, "version": 1}))]
pub struct StepView {
    /// Id.
    pub id: Uuid,
    /// Place in the checklist.
    pub position: i64,
    /// What to do.
    pub title: String,
    /// Who does it.
    pub owner_id: Option<Uuid>,
    /// Due.
    pub due_at: Option<DateTime<Utc>>,
    /// Done at.
    pub done_at: Option<DateTime<Utc>>,
    /// Not done and past due.
    pub overdue: bool,
    /// Version, for `If-Match`.
    pub version: i64,
}

impl StepView {
    fn new(s: ticket_step::Model, now: DateTime<Utc>) -> Self {
        Self {
            overdue: s.done_at.is_none() && s.due_at.is_some_and(|due| due < now),
            id: s.id,
            position: s.position,
            title: s.title,
            owner_id: s.owner_id,
            due_at: s.due_at,
            done_at: s.done_at,
            version: s.version,
        }
    }
}

/// A ticket's checklist.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct StepList {
    /// In order.
    pub items: Vec<StepView>,
}

async fn check_owner(
    state: &AppState,
    tenant: TenantId,
    owner: Option<Uuid>,
) -> Result<(), ApiError> {
    kefu_directory::require_active_staff(&state.db, tenant.uuid(), "owner_id", owner).await
}

/// The checklist of a ticket.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id")), responses((status = 200, description = "Steps", body = StepList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/tickets/{id}/steps")]
pub async fn list_steps(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let ticket = visible_ticket(
        &state.db,
        &auth,
        Caller::reader(&auth)?,
        TicketId::from(*id),
    )
    .await?;
    let now = state.clock.now();
    let items = StructureStore::new(&state.db, auth.tenant_id)
        .steps(ticket.id)
        .await?;
    Ok(HttpResponse::Ok().json(StepList {
        items: items.into_iter().map(|s| StepView::new(s, now)).collect(),
    }))
}

/// Adds a step to a ticket's checklist.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id")), request_body = NewStepBody, responses((status = 201, description = "Step added", body = StepView), ErrorResponses), security(("bearer" = ["tickets:write"])))]
#[post("/api/v1/tickets/{id}/steps")]
pub async fn add_step(
    state: web::Data<AppState>,
    auth: Authz<TicketsWrite>,
    id: web::Path<Uuid>,
    body: Json<NewStepBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ticket = visible_ticket(
        &state.db,
        &auth,
        Caller::writer(&auth)?,
        TicketId::from(*id),
    )
    .await?;
    check_owner(&state, auth.tenant_id, body.owner_id).await?;
    let store = StructureStore::new(&state.db, auth.tenant_id);
    let last = store
        .steps(ticket.id)
        .await?
        .iter()
        .map(|s| s.position)
        .max()
        .unwrap_or(-1);
    let now = state.clock.now();
    let step = store
        .insert_step(ticket_step::Model {
            id: Uuid::now_v7(),
            tenant_id: ticket.tenant_id,
            ticket_id: ticket.id,
            position: body.position.unwrap_or(last.saturating_add(1)),
            title: body.title.trim().to_string(),
            owner_id: body.owner_id,
            due_at: body.due_at,
            done_at: None,
            version: 1,
            created_at: now,
        })
        .await?;
    let change = changed_fields([("step", None, Some(format!("added: {}", step.title)))]);
    HistoryStore::new(&state.db, auth.tenant_id)
        .record(ticket.id, Some(auth.actor), "user", &change, now)
        .await?;
    let location = format!("/api/v1/tickets/{}/steps/{}", ticket.id, step.id);
    Ok(created(location, step.version, &StepView::new(step, now)))
}

/// Changes a step: title, owner, due time, done.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id"), ("step_id" = Uuid, Path, description = "Step id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = StepPatch, responses((status = 200, description = "The step", body = StepView), ErrorResponses), security(("bearer" = ["tickets:write"])))]
#[patch("/api/v1/tickets/{id}/steps/{step_id}")]
pub async fn update_step(
    state: web::Data<AppState>,
    auth: Authz<TicketsWrite>,
    ids: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    body: Json<StepPatch>,
) -> Result<HttpResponse, ApiError> {
    let (ticket_id, step_id) = ids.into_inner();
    let patch = body.into_inner();
    let ticket = visible_ticket(
        &state.db,
        &auth,
        Caller::writer(&auth)?,
        TicketId::from(ticket_id),
    )
    .await?;
    let store = StructureStore::new(&state.db, auth.tenant_id);
    let mut step = store
        .step(ticket.id, step_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let before = step.clone();
    if let Some(title) = patch.title {
        step.title = title.trim().to_string();
    }
    if let Some(owner) = patch.owner_id {
        check_owner(&state, auth.tenant_id, owner).await?;
        step.owner_id = owner;
    }
    if let Some(due) = patch.due_at {
        step.due_at = due;
    }
    match patch.done {
        Some(true) if step.done_at.is_none() => step.done_at = Some(now),
        Some(false) => step.done_at = None,
        _ => {}
    }
    let saved = store.save_step(step, &if_match).await?;
    if before.done_at.is_none() != saved.done_at.is_none() {
        let what = if saved.done_at.is_some() {
            "done"
        } else {
            "reopened"
        };
        let change = changed_fields([("step", None, Some(format!("{what}: {}", saved.title)))]);
        HistoryStore::new(&state.db, auth.tenant_id)
            .record(ticket.id, Some(auth.actor), "user", &change, now)
            .await?;
    }
    Ok(with_etag(saved.version, &StepView::new(saved, now)))
}

/// Registers the step routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_steps)
        .service(add_step)
        .service(update_step);
}
