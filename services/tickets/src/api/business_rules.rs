//! `/api/v1/triggers` and `/api/v1/automations`: business rules on tickets.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use kefu_platform::auth::scopes::{TicketsAdmin, TicketsRead};
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

use crate::domain::fields::{normalize_tags, Channel, Priority, TicketType};
use crate::domain::rules::{RuleActions, RuleConditions};
use crate::domain::status::Status;
use crate::state::AppState;
use crate::store::entities::business_rule;
use crate::store::rules::RuleStore;

/// Longest `event` accepted: automations ignore theirs (it is `time`), triggers take
/// `created` or `updated`.
const MAX_EVENT_LEN: usize = 20;

/// A new trigger or automation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "VIP tickets are urgent", "event": "created", "conditions": {"tags_any": ["vip"]}, "actions": {"priority": "urgent", "internal_note": "VIP customer: call back within the hour."}}))]
pub struct NewRuleBody {
    /// Name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: String,
    /// Triggers: `created` or `updated`. Automations: leave out.
    #[schema(max_length = 20)]
    pub event: Option<String>,
    /// When it fires.
    #[serde(default)]
    pub conditions: RuleConditions,
    /// What it does.
    pub actions: RuleActions,
    /// Order among rules of its kind (default last).
    pub position: Option<i64>,
    /// Off rules do not fire (default on).
    #[serde(default = "kefu_platform::json::default_true")]
    pub active: bool,
}

/// Changes to a rule.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct RulePatch {
    /// Name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// Triggers: `created` or `updated`.
    #[schema(max_length = 20)]
    pub event: Option<String>,
    /// Conditions (replace the current ones).
    pub conditions: Option<RuleConditions>,
    /// Actions (replace the current ones).
    pub actions: Option<RuleActions>,
    /// Order.
    pub position: Option<i64>,
    /// On or off.
    pub active: Option<bool>,
}

fn each(checks: &mut Checks, field: &str, values: &[String], valid: impl Fn(&str) -> bool) {
    for (i, v) in values.iter().enumerate() {
        checks.ensure(valid(v), &format!("{field}[{i}]"), "is not a known value");
    }
}

fn check_conditions(checks: &mut Checks, c: &RuleConditions) {
    each(checks, "conditions.status", &c.status, |v| {
        Status::parse(v).is_some()
    });
    each(checks, "conditions.priority", &c.priority, |v| {
        Priority::parse(v).is_some()
    });
    each(checks, "conditions.type", &c.kind, |v| {
        TicketType::parse(v).is_some()
    });
    each(checks, "conditions.channel", &c.channel, |v| {
        Channel::parse(v).is_some()
    });
    for (i, tag) in c.tags_any.iter().enumerate() {
        checks.length(&format!("conditions.tags_any[{i}]"), tag, 0, 50);
    }
    checks.length_opt(
        "conditions.subject_contains",
        c.subject_contains.as_deref(),
        0,
        200,
    );
    for (field, hours) in [
        ("conditions.hours_since_created", c.hours_since_created),
        ("conditions.hours_since_updated", c.hours_since_updated),
    ] {
        if let Some(h) = hours {
            checks.ensure((1..=8760).contains(&h), field, "must be 1–8760 hours");
        }
    }
}

fn check_actions(checks: &mut Checks, a: &RuleActions) {
    checks.ensure(!a.is_empty(), "actions", "must do something");
    if let Some(s) = &a.status {
        checks.ensure(
            Status::parse(s).is_some(),
            "actions.status",
            "is not a ticket status",
        );
    }
    if let Some(p) = &a.priority {
        checks.ensure(
            Priority::parse(p).is_some(),
            "actions.priority",
            "is not a priority",
        );
    }
    if let Some(k) = &a.kind {
        checks.ensure(
            TicketType::parse(k).is_some(),
            "actions.type",
            "is not a ticket type",
        );
    }
    if let Err(i) = normalize_tags(&a.add_tags) {
        checks.fail(&format!("actions.add_tags[{i}]"), "is not a valid tag");
    }
    checks.length_opt(
        "actions.internal_note",
        a.internal_note.as_deref(),
        1,
        5_000,
    );
    checks.length_opt("actions.notify_role", a.notify_role.as_deref(), 1, 64);
}

/// Checks a rule of `kind` as it would be stored.
fn check_rule(
    kind: &str,
    event: &str,
    conditions: &RuleConditions,
    actions: &RuleActions,
) -> Result<(), ApiError> {
    let mut checks = Checks::new();
    check_conditions(&mut checks, conditions);
    check_actions(&mut checks, actions);
    let timed =
        conditions.hours_since_created.is_some() || conditions.hours_since_updated.is_some();
    if kind == "trigger" {
        checks.ensure(
            ["created", "updated"].contains(&event),
            "event",
            "must be `created` or `updated`",
        );
        checks.ensure(
            !timed,
            "conditions",
            "time conditions belong to automations",
        );
    } else {
        checks.ensure(
            timed,
            "conditions",
            "an automation needs hours_since_created or hours_since_updated",
        );
    }
    checks.finish()
}

impl Validate for NewRuleBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 100);
        checks.length_opt("event", self.event.as_deref(), 0, MAX_EVENT_LEN);
        checks.finish()
    }
}

impl Validate for RulePatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length_opt("name", self.name.as_deref().map(str::trim), 1, 100);
        checks.length_opt("event", self.event.as_deref(), 0, MAX_EVENT_LEN);
        checks.finish()
    }
}

/// A trigger or automation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "name": "Close pending after 3 days", "event": "time", "conditions": {"status": ["pending"], "hours_since_updated": 72}, "actions": {"status": "solved"}, "position": 0, "active": true, "version": 1}))]
pub struct RuleView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// `created`, `updated` (triggers) or `time` (automations).
    pub event: String,
    /// When it fires.
    pub conditions: RuleConditions,
    /// What it does.
    pub actions: RuleActions,
    /// Order.
    pub position: i64,
    /// On or off.
    pub active: bool,
    /// Version, for `If-Match`.
    pub version: i64,
}

impl From<business_rule::Model> for RuleView {
    fn from(r: business_rule::Model) -> Self {
        Self {
            id: r.id,
            name: r.name,
            event: r.event,
            conditions: serde_json::from_str(&r.conditions).unwrap_or_default(),
            actions: serde_json::from_str(&r.actions).unwrap_or_default(),
            position: r.position,
            active: r.active,
            version: r.version,
        }
    }
}

/// Rules of one kind.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct RuleList {
    /// In order.
    pub items: Vec<RuleView>,
}

async fn list(state: &AppState, tenant: TenantId, kind: &str) -> Result<HttpResponse, ApiError> {
    let items = RuleStore::new(&state.db, tenant).of_kind(kind).await?;
    Ok(HttpResponse::Ok().json(RuleList {
        items: items.into_iter().map(RuleView::from).collect(),
    }))
}

async fn find(
    state: &AppState,
    tenant: TenantId,
    kind: &str,
    id: Uuid,
) -> Result<business_rule::Model, ApiError> {
    RuleStore::new(&state.db, tenant)
        .get(kind, id)
        .await?
        .ok_or(ApiError::NotFound)
}

async fn create(
    state: &AppState,
    tenant: TenantId,
    kind: &str,
    body: NewRuleBody,
) -> Result<HttpResponse, ApiError> {
    let event = if kind == "trigger" {
        body.event.clone().unwrap_or_default()
    } else {
        "time".into()
    };
    check_rule(kind, &event, &body.conditions, &body.actions)?;
    let last = RuleStore::new(&state.db, tenant)
        .of_kind(kind)
        .await?
        .iter()
        .map(|r| r.position)
        .max()
        .unwrap_or(-1);
    let now = state.clock.now();
    let model = business_rule::Model {
        id: Uuid::now_v7(),
        tenant_id: tenant.uuid(),
        kind: kind.into(),
        event,
        name: body.name.trim().to_string(),
        conditions: serde_json::to_string(&body.conditions).map_err(ApiError::internal)?,
        actions: serde_json::to_string(&body.actions).map_err(ApiError::internal)?,
        position: body.position.unwrap_or(last.saturating_add(1)),
        active: body.active,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let model = RuleStore::new(&state.db, tenant).insert(model).await?;
    let path = if kind == "trigger" {
        "triggers"
    } else {
        "automations"
    };
    Ok(created(
        format!("/api/v1/{path}/{}", model.id),
        model.version,
        &RuleView::from(model),
    ))
}

async fn update(
    state: &AppState,
    tenant: TenantId,
    kind: &str,
    id: Uuid,
    if_match: IfMatch,
    patch: RulePatch,
) -> Result<HttpResponse, ApiError> {
    let mut rule = find(state, tenant, kind, id).await?;
    if let Some(name) = patch.name {
        rule.name = name.trim().to_string();
    }
    if let (Some(event), "trigger") = (patch.event, kind) {
        rule.event = event;
    }
    let mut conditions: RuleConditions = serde_json::from_str(&rule.conditions).unwrap_or_default();
    let mut actions: RuleActions = serde_json::from_str(&rule.actions).unwrap_or_default();
    if let Some(c) = patch.conditions {
        conditions = c;
    }
    if let Some(a) = patch.actions {
        actions = a;
    }
    check_rule(kind, &rule.event, &conditions, &actions)?;
    rule.conditions = serde_json::to_string(&conditions).map_err(ApiError::internal)?;
    rule.actions = serde_json::to_string(&actions).map_err(ApiError::internal)?;
    if let Some(position) = patch.position {
        rule.position = position;
    }
    if let Some(active) = patch.active {
        rule.active = active;
    }
    rule.updated_at = state.clock.now();
    let rule = RuleStore::new(&state.db, tenant)
        .save(rule, &if_match)
        .await?;
    Ok(with_etag(rule.version, &RuleView::from(rule)))
}

async fn remove(
    state: &AppState,
    tenant: TenantId,
    kind: &str,
    id: Uuid,
) -> Result<HttpResponse, ApiError> {
    let rule = find(state, tenant, kind, id).await?;
    RuleStore::new(&state.db, tenant).delete(rule.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists the triggers in firing order.
#[utoipa::path(tag = "rules", responses((status = 200, description = "Triggers", body = RuleList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/triggers")]
pub async fn list_triggers(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
) -> Result<HttpResponse, ApiError> {
    list(&state, auth.tenant_id, "trigger").await
}

/// Creates a trigger: conditions checked when a ticket is created or updated, then actions.
#[utoipa::path(tag = "rules", request_body = NewRuleBody, responses((status = 201, description = "Trigger created", body = RuleView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[post("/api/v1/triggers")]
pub async fn create_trigger(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    body: Json<NewRuleBody>,
) -> Result<HttpResponse, ApiError> {
    create(&state, auth.tenant_id, "trigger", body.into_inner()).await
}

/// One trigger.
#[utoipa::path(tag = "rules", params(("id" = Uuid, Path, description = "Trigger id")), responses((status = 200, description = "The trigger", body = RuleView), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/triggers/{id}")]
pub async fn get_trigger(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let rule = find(&state, auth.tenant_id, "trigger", *id).await?;
    Ok(with_etag(rule.version, &RuleView::from(rule)))
}

/// Changes a trigger.
#[utoipa::path(tag = "rules", params(("id" = Uuid, Path, description = "Trigger id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = RulePatch, responses((status = 200, description = "The trigger", body = RuleView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[patch("/api/v1/triggers/{id}")]
pub async fn update_trigger(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<RulePatch>,
) -> Result<HttpResponse, ApiError> {
    update(
        &state,
        auth.tenant_id,
        "trigger",
        *id,
        if_match,
        body.into_inner(),
    )
    .await
}

/// Deletes a trigger.
#[utoipa::path(tag = "rules", params(("id" = Uuid, Path, description = "Trigger id")), responses((status = 204, description = "Deleted"), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[delete("/api/v1/triggers/{id}")]
pub async fn delete_trigger(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    remove(&state, auth.tenant_id, "trigger", *id).await
}

/// Lists the automations in order.
#[utoipa::path(tag = "rules", responses((status = 200, description = "Automations", body = RuleList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/automations")]
pub async fn list_automations(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
) -> Result<HttpResponse, ApiError> {
    list(&state, auth.tenant_id, "automation").await
}

/// Creates an automation: time-based conditions checked at least every minute.
#[utoipa::path(tag = "rules", request_body = NewRuleBody, responses((status = 201, description = "Automation created", body = RuleView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[post("/api/v1/automations")]
pub async fn create_automation(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    body: Json<NewRuleBody>,
) -> Result<HttpResponse, ApiError> {
    create(&state, auth.tenant_id, "automation", body.into_inner()).await
}

/// One automation.
#[utoipa::path(tag = "rules", params(("id" = Uuid, Path, description = "Automation id")), responses((status = 200, description = "The automation", body = RuleView), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/automations/{id}")]
pub async fn get_automation(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let rule = find(&state, auth.tenant_id, "automation", *id).await?;
    Ok(with_etag(rule.version, &RuleView::from(rule)))
}

/// Changes an automation.
#[utoipa::path(tag = "rules", params(("id" = Uuid, Path, description = "Automation id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = RulePatch, responses((status = 200, description = "The automation", body = RuleView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[patch("/api/v1/automations/{id}")]
pub async fn update_automation(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<RulePatch>,
) -> Result<HttpResponse, ApiError> {
    update(
        &state,
        auth.tenant_id,
        "automation",
        *id,
        if_match,
        body.into_inner(),
    )
    .await
}

/// Deletes an automation.
#[utoipa::path(tag = "rules", params(("id" = Uuid, Path, description = "Automation id")), responses((status = 204, description = "Deleted"), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[delete("/api/v1/automations/{id}")]
pub async fn delete_automation(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    remove(&state, auth.tenant_id, "automation", *id).await
}

/// Registers the trigger and automation routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_triggers)
        .service(create_trigger)
        .service(get_trigger)
        .service(update_trigger)
        .service(delete_trigger)
        .service(list_automations)
        .service(create_automation)
        .service(get_automation)
        .service(update_automation)
        .service(delete_automation);
}
