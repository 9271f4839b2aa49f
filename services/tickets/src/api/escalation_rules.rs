//! `/api/v1/escalation-rules`: what happens when an SLA target is at risk or breached.

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

use crate::domain::fields::Priority;
use crate::domain::policy::METRICS;

/// An SLA metric an escalation rule watches: the names of `METRICS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlaMetric {
    /// The first public staff reply.
    FirstResponse,
    /// Each staff reply after a customer's reply.
    NextResponse,
    /// Solved.
    Resolution,
}
use crate::state::AppState;
use crate::store::entities::escalation_rule;
use crate::store::escalation::EscalationStore;
use crate::store::{decode_list, encode_list};

/// The threshold a rule reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The at-risk share of a target passed.
    AtRisk,
    /// The target passed.
    Breached,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::AtRisk => "at_risk",
            Trigger::Breached => "breached",
        }
    }
}

/// What a rule does.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Actions {
    /// A role to notify (carried by `ticket.escalated`; 1–64 characters).
    #[schema(max_length = 64)]
    pub notify_role: Option<String>,
    /// Raise the priority one step.
    #[serde(default)]
    pub raise_priority: bool,
    /// Move the ticket to this team (its dispatch rule picks the assignee).
    pub reassign_team_id: Option<Uuid>,
}

/// A new escalation rule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Breached resolution goes to L2", "trigger": "breached", "metrics": ["resolution"], "priorities": ["high", "urgent"], "actions": {"notify_role": "service_manager", "raise_priority": true, "reassign_team_id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37"}}))]
pub struct NewEscalationRuleBody {
    /// Name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: String,
    /// Threshold.
    pub trigger: Trigger,
    /// Only these metrics (empty: any).
    #[serde(default)]
    #[schema(value_type = Vec<SlaMetric>)]
    pub metrics: Vec<String>,
    /// Only tickets of these priorities (empty: any).
    #[serde(default)]
    pub priorities: Vec<Priority>,
    /// What to do.
    pub actions: Actions,
    /// Firing order (lower first; default last).
    pub position: Option<i64>,
}

fn check_rule(
    checks: &mut Checks,
    name: Option<&str>,
    metrics: Option<&[String]>,
    actions: Option<&Actions>,
) {
    checks.length_opt("name", name.map(str::trim), 1, 100);
    for (i, m) in metrics.unwrap_or_default().iter().enumerate() {
        checks.ensure(
            METRICS.contains(&m.as_str()),
            &format!("metrics[{i}]"),
            "is not an SLA metric",
        );
    }
    if let Some(a) = actions {
        checks.ensure(
            a.notify_role.is_some() || a.raise_priority || a.reassign_team_id.is_some(),
            "actions",
            "must do something: notify_role, raise_priority or reassign_team_id",
        );
        checks.length_opt("actions.notify_role", a.notify_role.as_deref(), 1, 64);
    }
}

impl Validate for NewEscalationRuleBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 100);
        check_rule(&mut checks, None, Some(&self.metrics), Some(&self.actions));
        checks.finish()
    }
}

/// Changes to a rule.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"actions": {"notify_role": "service_manager"}}))]
pub struct EscalationRulePatch {
    /// Name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// Threshold.
    pub trigger: Option<Trigger>,
    /// Metrics.
    #[schema(value_type = Option<Vec<SlaMetric>>)]
    pub metrics: Option<Vec<String>>,
    /// Priorities.
    pub priorities: Option<Vec<Priority>>,
    /// Actions (replace the current ones).
    pub actions: Option<Actions>,
    /// Firing order.
    pub position: Option<i64>,
}

impl Validate for EscalationRulePatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_rule(
            &mut checks,
            self.name.as_deref(),
            self.metrics.as_deref(),
            self.actions.as_ref(),
        );
        checks.finish()
    }
}

/// An escalation rule.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "name": "Breached resolution goes to L2", "trigger": "breached", "metrics": ["resolution"], "priorities": [], "actions": {"notify_role": "service_manager", "raise_priority": true, "reassign_team_id": null}, "position": 0, "version": 1}))]
pub struct EscalationRuleView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// `at_risk` or `breached`.
    pub trigger: String,
    /// Metrics (empty: any).
    pub metrics: Vec<String>,
    /// Priorities (empty: any).
    pub priorities: Vec<String>,
    /// Actions.
    pub actions: Actions,
    /// Firing order.
    pub position: i64,
    /// Version, for `If-Match`.
    pub version: i64,
}

impl From<escalation_rule::Model> for EscalationRuleView {
    fn from(r: escalation_rule::Model) -> Self {
        Self {
            id: r.id,
            name: r.name,
            trigger: r.trigger,
            metrics: decode_list(&r.metrics),
            priorities: decode_list(&r.priorities),
            actions: Actions {
                notify_role: r.notify_role,
                raise_priority: r.raise_priority,
                reassign_team_id: r.reassign_team_id,
            },
            position: r.position,
            version: r.version,
        }
    }
}

/// The tenant's escalation rules.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct EscalationRuleList {
    /// In firing order.
    pub items: Vec<EscalationRuleView>,
}

fn priorities(list: &[Priority]) -> String {
    encode_list(
        &list
            .iter()
            .map(|p| p.as_str().to_string())
            .collect::<Vec<_>>(),
    )
}

/// Lists the escalation rules in firing order.
#[utoipa::path(tag = "sla", responses((status = 200, description = "Rules", body = EscalationRuleList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/escalation-rules")]
pub async fn list_escalation_rules(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
) -> Result<HttpResponse, ApiError> {
    let items = EscalationStore::new(&state.db, auth.tenant_id)
        .rules()
        .await?;
    Ok(HttpResponse::Ok().json(EscalationRuleList {
        items: items.into_iter().map(EscalationRuleView::from).collect(),
    }))
}

/// Creates an escalation rule.
#[utoipa::path(tag = "sla", request_body = NewEscalationRuleBody, responses((status = 201, description = "Rule created", body = EscalationRuleView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[post("/api/v1/escalation-rules")]
pub async fn create_escalation_rule(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    body: Json<NewEscalationRuleBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let store = EscalationStore::new(&state.db, auth.tenant_id);
    let last = store
        .rules()
        .await?
        .iter()
        .map(|r| r.position)
        .max()
        .unwrap_or(-1);
    let now = state.clock.now();
    let saved = store
        .insert(escalation_rule::Model {
            id: Uuid::now_v7(),
            tenant_id: auth.tenant_id.uuid(),
            name: body.name.trim().to_string(),
            trigger: body.trigger.as_str().into(),
            metrics: encode_list(&body.metrics),
            priorities: priorities(&body.priorities),
            notify_role: body.actions.notify_role,
            raise_priority: body.actions.raise_priority,
            reassign_team_id: body.actions.reassign_team_id,
            position: body.position.unwrap_or(last.saturating_add(1)),
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .await?;
    Ok(created(
        format!("/api/v1/escalation-rules/{}", saved.id),
        saved.version,
        &EscalationRuleView::from(saved),
    ))
}

/// One escalation rule.
#[utoipa::path(tag = "sla", params(("id" = Uuid, Path, description = "Rule id")), responses((status = 200, description = "The rule", body = EscalationRuleView), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/escalation-rules/{id}")]
pub async fn get_escalation_rule(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = EscalationStore::new(&state.db, auth.tenant_id)
        .rule(*id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(found.version, &EscalationRuleView::from(found)))
}

/// Changes an escalation rule.
#[utoipa::path(tag = "sla", params(("id" = Uuid, Path, description = "Rule id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = EscalationRulePatch, responses((status = 200, description = "The rule", body = EscalationRuleView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[patch("/api/v1/escalation-rules/{id}")]
pub async fn update_escalation_rule(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<EscalationRulePatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let store = EscalationStore::new(&state.db, auth.tenant_id);
    let mut rule = store.rule(*id).await?.ok_or(ApiError::NotFound)?;
    if let Some(name) = patch.name {
        rule.name = name.trim().to_string();
    }
    if let Some(trigger) = patch.trigger {
        rule.trigger = trigger.as_str().into();
    }
    if let Some(metrics) = patch.metrics {
        rule.metrics = encode_list(&metrics);
    }
    if let Some(list) = patch.priorities {
        rule.priorities = priorities(&list);
    }
    if let Some(actions) = patch.actions {
        rule.notify_role = actions.notify_role;
        rule.raise_priority = actions.raise_priority;
        rule.reassign_team_id = actions.reassign_team_id;
    }
    if let Some(position) = patch.position {
        rule.position = position;
    }
    rule.updated_at = state.clock.now();
    let saved = store.save(rule, &if_match).await?;
    Ok(with_etag(saved.version, &EscalationRuleView::from(saved)))
}

/// Deletes an escalation rule.
#[utoipa::path(tag = "sla", params(("id" = Uuid, Path, description = "Rule id")), responses((status = 204, description = "Deleted"), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[delete("/api/v1/escalation-rules/{id}")]
pub async fn delete_escalation_rule(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = EscalationStore::new(&state.db, auth.tenant_id);
    let found = store.rule(*id).await?.ok_or(ApiError::NotFound)?;
    store.delete(found.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the escalation routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_escalation_rules)
        .service(create_escalation_rule)
        .service(get_escalation_rule)
        .service(update_escalation_rule)
        .service(delete_escalation_rule);
}
