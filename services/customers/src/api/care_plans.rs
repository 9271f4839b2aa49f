//! `/api/v1/care-plans` (recurring care and follow-up plans) and `/api/v1/follow-ups`
//! (their occurrences: tasks that come due and are completed with an outcome).

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::{CustomersRead, CustomersWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::ids::TenantId;
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::care::{self, parse_local, save_plan, start_plan, FollowUpPatch};
use crate::app::customers::live_customer;
use crate::domain::fields::ContactChannel;
use crate::domain::ids::CustomerId;
use crate::domain::recurrence::parse_rule;
use crate::state::AppState;
use crate::store::care::{CareStore, FollowUpFilter};
use crate::store::entities::{care_plan, follow_up};

/// What an occurrence of a plan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    /// Surveys sends a survey from `template_id`.
    Survey,
    /// Staff do `task` (tickets opens a follow-up ticket for it).
    Task,
}

impl FollowUpKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpKind::Survey => "survey",
            FollowUpKind::Task => "task",
        }
    }
}

/// Longest recurrence rule accepted.
const MAX_RULE_LEN: usize = 1000;

/// Every status a follow-up can be in.
const FOLLOW_UP_STATUSES: [&str; 5] = ["scheduled", "due", "done", "skipped", "cancelled"];

/// A new care plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "name": "Quarterly visit", "rule": "FREQ=MONTHLY;INTERVAL=3", "starts_at": "2027-01-05T09:00", "channel": "visit", "kind": "task", "task": "Visit the scanner room and check the service log"}))]
pub struct NewCarePlanBody {
    /// The customer cared for.
    pub customer_id: Uuid,
    /// The contact to reach, if any.
    pub contact_id: Option<Uuid>,
    /// Name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// RFC 5545 recurrence rule, e.g. `FREQ=MONTHLY;INTERVAL=3` (daily at most; up to 1000
    /// characters).
    #[schema(max_length = 1000)]
    pub rule: String,
    /// First occurrence, local time `YYYY-MM-DDTHH:MM`.
    #[schema(max_length = 16)]
    pub starts_at: String,
    /// Time zone of `starts_at` (default: the tenant's).
    #[schema(max_length = 64)]
    pub time_zone: Option<String>,
    /// How.
    pub channel: ContactChannel,
    /// A survey or a task.
    pub kind: FollowUpKind,
    /// The survey template, for `survey`.
    pub template_id: Option<Uuid>,
    /// What to do, for `task` (1–2000 characters).
    #[schema(max_length = 2000)]
    pub task: Option<String>,
}

impl Validate for NewCarePlanBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 200);
        if self.rule.chars().count() > MAX_RULE_LEN {
            checks.fail("rule", format!("must be at most {MAX_RULE_LEN} characters"));
        } else if let Err(why) = parse_rule(&self.rule) {
            checks.fail("rule", why);
        }
        checks.ensure(
            self.starts_at.len() <= 16 && parse_local(&self.starts_at).is_some(),
            "starts_at",
            "must be a local time YYYY-MM-DDTHH:MM",
        );
        if let Some(zone) = &self.time_zone {
            checks.ensure(
                zone.len() <= 64 && zone.parse::<chrono_tz::Tz>().is_ok(),
                "time_zone",
                "must be an IANA time zone such as Asia/Shanghai",
            );
        }
        match self.kind {
            FollowUpKind::Survey => {
                checks.ensure(
                    self.template_id.is_some(),
                    "template_id",
                    "a survey needs its template",
                );
            }
            FollowUpKind::Task => {
                checks.ensure(
                    self.task.as_deref().is_some_and(|t| !t.trim().is_empty()),
                    "task",
                    "a task needs its text",
                );
            }
        }
        checks.length_opt("task", self.task.as_deref(), 1, 2000);
        checks.finish()
    }
}

/// Changes to a care plan: its name and task, or stopping it (its scheduled follow-ups
/// are cancelled) and starting it again.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct CarePlanPatch {
    /// Name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// What to do, for `task` (1–2000 characters).
    #[schema(max_length = 2000)]
    pub task: Option<String>,
    /// Whether it still runs.
    pub active: Option<bool>,
}

impl Validate for CarePlanPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        if let Some(name) = &self.name {
            checks.length("name", name.trim(), 1, 200);
        }
        checks.length_opt("task", self.task.as_deref(), 1, 2000);
        checks.finish()
    }
}

/// A care plan.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "contact_id": null, "name": "Quarterly visit", "rule": "FREQ=MONTHLY;INTERVAL=3", "starts_at": "2027-01-05T09:00", "time_zone": "Asia/Shanghai", "channel": "visit", "kind": "task", "template_id": null, "task": "Visit the scanner room", "active": true, "version": 1, "created_at": "2026-11-02T02:15:00Z", "updated_at": "2026-11-02T02:15:00Z"}))]
pub struct CarePlanView {
    /// Id.
    pub id: Uuid,
    /// The customer cared for.
    pub customer_id: Uuid,
    /// The contact to reach.
    pub contact_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Recurrence rule.
    pub rule: String,
    /// First occurrence, local time.
    pub starts_at: String,
    /// Time zone of the local times.
    pub time_zone: String,
    /// How.
    pub channel: String,
    /// A survey or a task.
    #[schema(value_type = FollowUpKind)]
    pub kind: String,
    /// The survey template.
    pub template_id: Option<Uuid>,
    /// What to do.
    pub task: Option<String>,
    /// Whether it still runs.
    pub active: bool,
    /// Version (also the ETag).
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<care_plan::Model> for CarePlanView {
    fn from(p: care_plan::Model) -> Self {
        Self {
            id: p.id,
            customer_id: p.customer_id,
            contact_id: p.contact_id,
            name: p.name,
            rule: p.rule,
            starts_at: p.starts_at,
            time_zone: p.time_zone,
            channel: p.channel,
            kind: p.kind,
            template_id: p.template_id,
            task: p.task,
            active: p.active,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A customer's care plans.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct CarePlanList {
    /// Plans, oldest first.
    pub items: Vec<CarePlanView>,
}

/// Whose care plans.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CarePlanQuery {
    /// One customer's.
    pub customer_id: Option<Uuid>,
}

/// An occurrence of a care plan.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263060", "plan_id": "0193a0c4-f177-7f28-a85c-2cce39263059", "customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "due_at": "2027-01-05T01:00:00Z", "status": "due", "announced_at": "2027-01-05T01:00:30Z", "outcome": null, "completed_by": null, "completed_at": null, "version": 1}))]
pub struct FollowUpView {
    /// Id.
    pub id: Uuid,
    /// Its plan.
    pub plan_id: Uuid,
    /// The customer.
    pub customer_id: Uuid,
    /// When it comes due.
    pub due_at: DateTime<Utc>,
    /// `scheduled`, `due`, `done`, `skipped` or `cancelled`.
    pub status: String,
    /// When `customer.followup_due` went out.
    pub announced_at: Option<DateTime<Utc>>,
    /// What came of it.
    pub outcome: Option<String>,
    /// Who completed it.
    pub completed_by: Option<Uuid>,
    /// When.
    pub completed_at: Option<DateTime<Utc>>,
    /// Version (also the ETag).
    pub version: i64,
}

impl From<follow_up::Model> for FollowUpView {
    fn from(f: follow_up::Model) -> Self {
        Self {
            id: f.id,
            plan_id: f.plan_id,
            customer_id: f.customer_id,
            due_at: f.due_at,
            status: f.status,
            announced_at: f.announced_at,
            outcome: f.outcome,
            completed_by: f.completed_by,
            completed_at: f.completed_at,
            version: f.version,
        }
    }
}

/// A page of follow-ups.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [], "next_cursor": null}))]
pub struct FollowUpPage {
    /// Follow-ups, soonest due first.
    pub items: Vec<FollowUpView>,
    /// Cursor of the next page, if any.
    pub next_cursor: Option<String>,
}

/// Filters of the follow-up list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// One customer's.
    pub customer_id: Option<Uuid>,
    /// One plan's.
    pub plan_id: Option<Uuid>,
    /// In one status: `scheduled`, `due`, `done`, `skipped` or `cancelled`.
    #[param(pattern = "^(scheduled|due|done|skipped|cancelled)$")]
    pub status: Option<String>,
}

/// Starts a care plan; its occurrences for the coming year are listed as follow-ups.
#[utoipa::path(
    tag = "customers",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    request_body = NewCarePlanBody,
    responses((status = 201, description = "Started", body = CarePlanView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[post("/api/v1/care-plans")]
pub async fn create_care_plan(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    body: Json<NewCarePlanBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let customer = live_customer(
        &state.db,
        auth.tenant_id,
        CustomerId::from(body.customer_id),
    )
    .await
    .map_err(|_| ApiError::field("customer_id", "is not a customer of this tenant"))?;
    let time_zone = match body.time_zone {
        Some(zone) => zone,
        None => kefu_directory::tenant_time_zone(&state.db, customer.tenant_id)
            .await?
            .unwrap_or_else(|| "UTC".into()),
    };
    let now = state.clock.now();
    let plan = care_plan::Model {
        id: Uuid::now_v7(),
        tenant_id: customer.tenant_id,
        customer_id: customer.id,
        contact_id: body.contact_id,
        name: body.name.trim().to_string(),
        rule: body.rule.trim().to_string(),
        starts_at: body.starts_at,
        time_zone,
        channel: body.channel.as_str().into(),
        kind: body.kind.as_str().into(),
        template_id: body.template_id,
        task: body.task,
        active: true,
        materialized_until: now,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let plan = start_plan(&state.db, auth.tenant_id, plan, now).await?;
    Ok(created(
        format!("/api/v1/care-plans/{}", plan.id),
        plan.version,
        &CarePlanView::from(plan),
    ))
}

/// Lists care plans, oldest first.
#[utoipa::path(tag = "customers", params(CarePlanQuery), responses((status = 200, description = "Plans", body = CarePlanList), ErrorResponses), security(("bearer" = ["customers:read"])))]
#[get("/api/v1/care-plans")]
pub async fn list_care_plans(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    query: Query<CarePlanQuery>,
) -> Result<HttpResponse, ApiError> {
    let items = CareStore::new(&state.db, auth.tenant_id)
        .plans(query.0.customer_id, 500)
        .await?;
    Ok(HttpResponse::Ok().json(CarePlanList {
        items: items.into_iter().map(CarePlanView::from).collect(),
    }))
}

async fn found_plan(
    state: &AppState,
    tenant: TenantId,
    id: Uuid,
) -> Result<care_plan::Model, ApiError> {
    CareStore::new(&state.db, tenant)
        .plan(id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// One care plan.
#[utoipa::path(tag = "customers", params(("id" = Uuid, Path, description = "Plan id")), responses((status = 200, description = "The plan", body = CarePlanView), ErrorResponses), security(("bearer" = ["customers:read"])))]
#[get("/api/v1/care-plans/{id}")]
pub async fn get_care_plan(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = found_plan(&state, auth.tenant_id, *id).await?;
    Ok(with_etag(found.version, &CarePlanView::from(found)))
}

/// Renames, re-words, stops or restarts a care plan (`If-Match` guards against lost updates).
#[utoipa::path(tag = "customers", params(("id" = Uuid, Path, description = "Plan id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = CarePlanPatch, responses((status = 200, description = "The plan", body = CarePlanView), ErrorResponses), security(("bearer" = ["customers:write"])))]
#[patch("/api/v1/care-plans/{id}")]
pub async fn update_care_plan(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<CarePlanPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let mut plan = found_plan(&state, auth.tenant_id, *id).await?;
    let now = state.clock.now();
    let stopped = patch.active == Some(false) && plan.active;
    if let Some(name) = patch.name {
        plan.name = name.trim().to_string();
    }
    if let Some(task) = patch.task {
        plan.task = Some(task);
    }
    if let Some(active) = patch.active {
        if !plan.active && active {
            // Restarted: occurrences from now on, not the ones missed while stopped.
            plan.materialized_until = now;
        }
        plan.active = active;
    }
    plan.updated_at = now;
    let plan = save_plan(&state.db, auth.tenant_id, plan, stopped, &if_match, now).await?;
    Ok(with_etag(plan.version, &CarePlanView::from(plan)))
}

/// Lists follow-ups, soonest due first.
#[utoipa::path(tag = "customers", params(FollowUpQuery), responses((status = 200, description = "A page of follow-ups", body = FollowUpPage), ErrorResponses), security(("bearer" = ["customers:read"])))]
#[get("/api/v1/follow-ups")]
pub async fn list_follow_ups(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    query: Query<FollowUpQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    if let Some(status) = &query.status {
        if !FOLLOW_UP_STATUSES.contains(&status.as_str()) {
            return Err(ApiError::field(
                "status",
                "must be scheduled, due, done, skipped or cancelled",
            ));
        }
    }
    let filter = FollowUpFilter {
        customer_id: query.customer_id,
        plan_id: query.plan_id,
        status: query.status,
    };
    let rows = CareStore::new(&state.db, auth.tenant_id)
        .follow_ups(filter, page)
        .await?;
    let page = Page::from_rows(rows, page, |f| f.id).map(FollowUpView::from);
    Ok(HttpResponse::Ok().json(FollowUpPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Completes a follow-up with its outcome (`done`) or skips it.
#[utoipa::path(tag = "customers", params(("id" = Uuid, Path, description = "Follow-up id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = FollowUpPatch, responses((status = 200, description = "The follow-up", body = FollowUpView), ErrorResponses), security(("bearer" = ["customers:write"])))]
#[patch("/api/v1/follow-ups/{id}")]
pub async fn complete_follow_up(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<FollowUpPatch>,
) -> Result<HttpResponse, ApiError> {
    let found = care::complete_follow_up(
        &state.db,
        auth.tenant_id,
        auth.actor,
        *id,
        &if_match,
        body.into_inner(),
        state.clock.now(),
    )
    .await?;
    Ok(with_etag(found.version, &FollowUpView::from(found)))
}

/// Registers the care plan and follow-up routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_care_plan)
        .service(list_care_plans)
        .service(get_care_plan)
        .service(update_care_plan)
        .service(list_follow_ups)
        .service(complete_follow_up);
}
