//! `/api/v1/sla-policies`: ordered SLA policies (first match wins), versioned.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use kefu_platform::auth::scopes::{TicketsAdmin, TicketsRead};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::domain::fields::{Priority, TicketType};
use crate::domain::policy::{Conditions, Targets};
use crate::domain::status::Status;
use crate::state::AppState;
use crate::store::entities::{calendar, sla_policy};
use crate::store::sla::SlaStore;
use crate::store::{decode_list, encode_list};

/// A new SLA policy.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Gold customers", "position": 0, "conditions": {"service_levels": ["gold"]}, "targets": {"first_response": {"minutes": 60, "business_hours": true}, "resolution": {"minutes": 480, "business_hours": true}}, "at_risk_percent": 75}))]
pub struct NewPolicyBody {
    /// Name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: String,
    /// Place in the matching order (lower first; default last).
    pub position: Option<i64>,
    /// When it applies (empty: always).
    #[serde(default)]
    pub conditions: Conditions,
    /// Targets.
    pub targets: Targets,
    /// Calendar for business-hour targets (default: the tenant's default calendar).
    pub calendar_id: Option<Uuid>,
    /// Statuses that pause the clocks (default `pending`, `on_hold`).
    pub pause_statuses: Option<Vec<Status>>,
    /// Share of a target after which it is at risk, 1–99 (default 80).
    pub at_risk_percent: Option<i64>,
}

/// Changes to a policy; each change is a new version. Clocks keep the version they started under.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"targets": {"first_response": {"minutes": 30, "business_hours": false}}}))]
pub struct PolicyPatch {
    /// Name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// Place in the matching order.
    pub position: Option<i64>,
    /// Conditions.
    pub conditions: Option<Conditions>,
    /// Targets.
    pub targets: Option<Targets>,
    /// Calendar.
    pub calendar_id: Option<Uuid>,
    /// Pause statuses.
    pub pause_statuses: Option<Vec<Status>>,
    /// At-risk share.
    pub at_risk_percent: Option<i64>,
}

fn check_policy(
    checks: &mut Checks,
    name: Option<&str>,
    conditions: Option<&Conditions>,
    targets: Option<&Targets>,
    pause: Option<&[Status]>,
    at_risk: Option<i64>,
) {
    checks.length_opt("name", name.map(str::trim), 1, 100);
    if let Some(c) = conditions {
        for (i, p) in c.priorities.iter().enumerate() {
            checks.ensure(
                Priority::parse(p).is_some(),
                &format!("conditions.priorities[{i}]"),
                "is not a priority",
            );
        }
        for (i, t) in c.types.iter().enumerate() {
            checks.ensure(
                TicketType::parse(t).is_some(),
                &format!("conditions.types[{i}]"),
                "is not a ticket type",
            );
        }
        for (i, tier) in c.tiers.iter().enumerate() {
            checks.length(&format!("conditions.tiers[{i}]"), tier, 1, 50);
        }
        for (i, level) in c.service_levels.iter().enumerate() {
            checks.length(&format!("conditions.service_levels[{i}]"), level, 1, 50);
        }
    }
    if let Some(t) = targets {
        let all = [
            ("first_response", t.first_response),
            ("next_response", t.next_response),
            ("resolution", t.resolution),
        ];
        checks.ensure(
            all.iter().any(|(_, t)| t.is_some()),
            "targets",
            "must set at least one target",
        );
        for (metric, target) in all {
            if let Some(target) = target {
                checks.ensure(
                    (1..=525_600).contains(&target.minutes),
                    &format!("targets.{metric}.minutes"),
                    "must be 1–525600",
                );
            }
        }
    }
    if let Some(statuses) = pause {
        let pausable = [Status::New, Status::Open, Status::Pending, Status::OnHold];
        for (i, s) in statuses.iter().enumerate() {
            checks.ensure(
                pausable.contains(s),
                &format!("pause_statuses[{i}]"),
                "only unsolved statuses pause a clock",
            );
        }
    }
    if let Some(p) = at_risk {
        checks.ensure((1..=99).contains(&p), "at_risk_percent", "must be 1–99");
    }
}

impl Validate for NewPolicyBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 100);
        check_policy(
            &mut checks,
            None,
            Some(&self.conditions),
            Some(&self.targets),
            self.pause_statuses.as_deref(),
            self.at_risk_percent,
        );
        checks.finish()
    }
}

impl Validate for PolicyPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_policy(
            &mut checks,
            self.name.as_deref(),
            self.conditions.as_ref(),
            self.targets.as_ref(),
            self.pause_statuses.as_deref(),
            self.at_risk_percent,
        );
        checks.finish()
    }
}

/// An SLA policy.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "name": "Standard", "position": 1, "conditions": {"priorities": [], "types": [], "tiers": [], "service_levels": []}, "targets": {"first_response": {"minutes": 480, "business_hours": true}, "next_response": null, "resolution": {"minutes": 2400, "business_hours": true}}, "calendar_id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37", "pause_statuses": ["pending", "on_hold"], "at_risk_percent": 80, "version": 1}))]
pub struct PolicyView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Place in the matching order.
    pub position: i64,
    /// Conditions.
    pub conditions: Conditions,
    /// Targets.
    pub targets: Targets,
    /// Calendar of business-hour targets.
    pub calendar_id: Uuid,
    /// Statuses that pause the clocks.
    pub pause_statuses: Vec<String>,
    /// At-risk share of a target, percent.
    pub at_risk_percent: i64,
    /// Version (tickets record the version they were measured under).
    pub version: i64,
}

impl From<sla_policy::Model> for PolicyView {
    fn from(p: sla_policy::Model) -> Self {
        Self {
            id: p.id,
            name: p.name,
            position: p.position,
            conditions: serde_json::from_str(&p.conditions).unwrap_or_default(),
            targets: serde_json::from_str(&p.targets).unwrap_or_default(),
            calendar_id: p.calendar_id,
            pause_statuses: decode_list(&p.pause_statuses),
            at_risk_percent: p.at_risk_percent,
            version: p.version,
        }
    }
}

/// The tenant's policies in matching order.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct PolicyList {
    /// First match wins.
    pub items: Vec<PolicyView>,
}

fn statuses(list: &[Status]) -> String {
    encode_list(
        &list
            .iter()
            .map(|s| s.as_str().to_string())
            .collect::<Vec<_>>(),
    )
}

/// The calendar a policy names, which must be one of the tenant's `calendars`; else its
/// default calendar.
fn calendar_for(calendars: &[calendar::Model], wanted: Option<Uuid>) -> Result<Uuid, ApiError> {
    match wanted {
        Some(id) if calendars.iter().any(|c| c.id == id) => Ok(id),
        Some(_) => Err(ApiError::field(
            "calendar_id",
            "is not a calendar of this tenant",
        )),
        None => calendars
            .iter()
            .find(|c| c.is_default)
            .or(calendars.first())
            .map(|c| c.id)
            .ok_or_else(|| {
                ApiError::field(
                    "calendar_id",
                    "the tenant has no calendar yet; create one first",
                )
            }),
    }
}

/// Lists the policies in matching order.
#[utoipa::path(tag = "sla", responses((status = 200, description = "Policies", body = PolicyList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/sla-policies")]
pub async fn list_policies(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
) -> Result<HttpResponse, ApiError> {
    let items = SlaStore::new(&state.db, auth.tenant_id).policies().await?;
    Ok(HttpResponse::Ok().json(PolicyList {
        items: items.into_iter().map(PolicyView::from).collect(),
    }))
}

/// Creates a policy.
#[utoipa::path(tag = "sla", request_body = NewPolicyBody, responses((status = 201, description = "Policy created", body = PolicyView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[post("/api/v1/sla-policies")]
pub async fn create_policy(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    body: Json<NewPolicyBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let store = SlaStore::new(&state.db, auth.tenant_id);
    let calendar_id = calendar_for(&store.calendars().await?, body.calendar_id)?;
    let last = store
        .policies()
        .await?
        .iter()
        .map(|p| p.position)
        .max()
        .unwrap_or(-1);
    let now = state.clock.now();
    let saved = store
        .insert_policy(sla_policy::Model {
            id: Uuid::now_v7(),
            tenant_id: auth.tenant_id.uuid(),
            name: body.name.trim().to_string(),
            position: body.position.unwrap_or(last.saturating_add(1)),
            conditions: serde_json::to_string(&body.conditions).map_err(ApiError::internal)?,
            targets: serde_json::to_string(&body.targets).map_err(ApiError::internal)?,
            calendar_id,
            pause_statuses: statuses(
                &body
                    .pause_statuses
                    .unwrap_or(vec![Status::Pending, Status::OnHold]),
            ),
            at_risk_percent: body.at_risk_percent.unwrap_or(80),
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .await?;
    Ok(created(
        format!("/api/v1/sla-policies/{}", saved.id),
        saved.version,
        &PolicyView::from(saved),
    ))
}

/// One policy.
#[utoipa::path(tag = "sla", params(("id" = Uuid, Path, description = "Policy id")), responses((status = 200, description = "The policy", body = PolicyView), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/sla-policies/{id}")]
pub async fn get_policy(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = SlaStore::new(&state.db, auth.tenant_id)
        .policy(*id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(found.version, &PolicyView::from(found)))
}

/// Changes a policy as its next version; tickets created from then on use it.
#[utoipa::path(tag = "sla", params(("id" = Uuid, Path, description = "Policy id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = PolicyPatch, responses((status = 200, description = "The policy", body = PolicyView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[patch("/api/v1/sla-policies/{id}")]
pub async fn update_policy(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<PolicyPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let store = SlaStore::new(&state.db, auth.tenant_id);
    let mut row = store.policy(*id).await?.ok_or(ApiError::NotFound)?;
    if let Some(name) = patch.name {
        row.name = name.trim().to_string();
    }
    if let Some(position) = patch.position {
        row.position = position;
    }
    if let Some(conditions) = patch.conditions {
        row.conditions = serde_json::to_string(&conditions).map_err(ApiError::internal)?;
    }
    if let Some(targets) = patch.targets {
        row.targets = serde_json::to_string(&targets).map_err(ApiError::internal)?;
    }
    if patch.calendar_id.is_some() {
        row.calendar_id = calendar_for(&store.calendars().await?, patch.calendar_id)?;
    }
    if let Some(list) = patch.pause_statuses {
        row.pause_statuses = statuses(&list);
    }
    if let Some(percent) = patch.at_risk_percent {
        row.at_risk_percent = percent;
    }
    let saved = store.save_policy(row, &if_match).await?;
    Ok(with_etag(saved.version, &PolicyView::from(saved)))
}

/// Deletes a policy; clocks it started keep their targets.
#[utoipa::path(tag = "sla", params(("id" = Uuid, Path, description = "Policy id")), responses((status = 204, description = "Deleted"), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[delete("/api/v1/sla-policies/{id}")]
pub async fn delete_policy(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = SlaStore::new(&state.db, auth.tenant_id);
    let found = store.policy(*id).await?.ok_or(ApiError::NotFound)?;
    store.delete_policy(found.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the policy routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_policies)
        .service(create_policy)
        .service(get_policy)
        .service(update_policy)
        .service(delete_policy);
}
