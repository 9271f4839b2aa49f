//! `/api/v1/dispatch-rules`: how each team's new tickets find an assignee.

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

use crate::domain::dispatch::Strategy;
use crate::error_codes;
use crate::state::AppState;
use crate::store::dispatch::DispatchStore;
use crate::store::entities::dispatch_rule;

/// A team's dispatch rule (one per team).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"team_id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37", "strategy": "skill_based", "skill": "printers"}))]
pub struct NewDispatchRuleBody {
    /// The team (from accounts).
    pub team_id: Uuid,
    /// How to pick.
    pub strategy: Strategy,
    /// The skill `skill_based` requires (1–100 characters).
    #[schema(max_length = 100)]
    pub skill: Option<String>,
}

fn check_skill(checks: &mut Checks, strategy: Option<Strategy>, skill: Option<&str>) {
    checks.length_opt("skill", skill, 1, 100);
    if strategy == Some(Strategy::SkillBased) {
        checks.ensure(skill.is_some(), "skill", "is required by skill_based");
    }
}

impl Validate for NewDispatchRuleBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_skill(&mut checks, Some(self.strategy), self.skill.as_deref());
        checks.finish()
    }
}

/// Changes to a rule.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"strategy": "least_open"}))]
pub struct DispatchRulePatch {
    /// How to pick.
    pub strategy: Option<Strategy>,
    /// The skill `skill_based` requires (1–100 characters).
    #[schema(max_length = 100)]
    pub skill: Option<String>,
}

impl Validate for DispatchRulePatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_skill(&mut checks, None, self.skill.as_deref());
        checks.finish()
    }
}

/// A dispatch rule.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "team_id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37", "strategy": "round_robin", "skill": null, "last_assignee_id": null, "version": 1}))]
pub struct DispatchRuleView {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// `round_robin`, `least_open` or `skill_based`.
    pub strategy: String,
    /// Required skill.
    pub skill: Option<String>,
    /// Who got the team's last ticket.
    pub last_assignee_id: Option<Uuid>,
    /// Version, for `If-Match`.
    pub version: i64,
}

impl From<dispatch_rule::Model> for DispatchRuleView {
    fn from(r: dispatch_rule::Model) -> Self {
        Self {
            id: r.id,
            team_id: r.team_id,
            strategy: r.strategy,
            skill: r.skill,
            last_assignee_id: r.last_assignee_id,
            version: r.version,
        }
    }
}

/// The tenant's dispatch rules.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct DispatchRuleList {
    /// Oldest first.
    pub items: Vec<DispatchRuleView>,
}

/// Lists the dispatch rules.
#[utoipa::path(tag = "dispatch", responses((status = 200, description = "Rules", body = DispatchRuleList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/dispatch-rules")]
pub async fn list_rules(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
) -> Result<HttpResponse, ApiError> {
    let items = DispatchStore::new(&state.db, auth.tenant_id)
        .rules()
        .await?;
    Ok(HttpResponse::Ok().json(DispatchRuleList {
        items: items.into_iter().map(DispatchRuleView::from).collect(),
    }))
}

/// Creates a team's rule.
#[utoipa::path(tag = "dispatch", request_body = NewDispatchRuleBody, responses((status = 201, description = "Rule created", body = DispatchRuleView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[post("/api/v1/dispatch-rules")]
pub async fn create_rule(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    body: Json<NewDispatchRuleBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let store = DispatchStore::new(&state.db, auth.tenant_id);
    let taken = || {
        ApiError::conflict(
            error_codes::TEAM_HAS_RULE,
            "the team has a dispatch rule; change that one",
        )
    };
    if store.rule_of_team(body.team_id).await?.is_some() {
        return Err(taken());
    }
    let now = state.clock.now();
    let saved = store
        .insert_rule(dispatch_rule::Model {
            id: Uuid::now_v7(),
            tenant_id: auth.tenant_id.uuid(),
            team_id: body.team_id,
            strategy: body.strategy.as_str().into(),
            skill: body.skill,
            last_assignee_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .await
        .map_err(|e| {
            if kefu_platform::db::is_unique_violation(&e) {
                taken()
            } else {
                e.into()
            }
        })?;
    Ok(created(
        format!("/api/v1/dispatch-rules/{}", saved.id),
        saved.version,
        &DispatchRuleView::from(saved),
    ))
}

/// One rule.
#[utoipa::path(tag = "dispatch", params(("id" = Uuid, Path, description = "Rule id")), responses((status = 200, description = "The rule", body = DispatchRuleView), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/dispatch-rules/{id}")]
pub async fn get_rule(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = DispatchStore::new(&state.db, auth.tenant_id)
        .rule(*id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(found.version, &DispatchRuleView::from(found)))
}

/// Changes a rule.
#[utoipa::path(tag = "dispatch", params(("id" = Uuid, Path, description = "Rule id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = DispatchRulePatch, responses((status = 200, description = "The rule", body = DispatchRuleView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[patch("/api/v1/dispatch-rules/{id}")]
pub async fn update_rule(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<DispatchRulePatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let store = DispatchStore::new(&state.db, auth.tenant_id);
    let mut rule = store.rule(*id).await?.ok_or(ApiError::NotFound)?;
    if let Some(strategy) = patch.strategy {
        rule.strategy = strategy.as_str().into();
    }
    if patch.skill.is_some() {
        rule.skill = patch.skill;
    }
    if rule.strategy == Strategy::SkillBased.as_str() && rule.skill.is_none() {
        return Err(ApiError::field("skill", "is required by skill_based"));
    }
    rule.updated_at = state.clock.now();
    let saved = store.save_rule(rule, &if_match).await?;
    Ok(with_etag(saved.version, &DispatchRuleView::from(saved)))
}

/// Deletes a rule; the team's tickets are then assigned by hand.
#[utoipa::path(tag = "dispatch", params(("id" = Uuid, Path, description = "Rule id")), responses((status = 204, description = "Deleted"), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[delete("/api/v1/dispatch-rules/{id}")]
pub async fn delete_rule(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = DispatchStore::new(&state.db, auth.tenant_id);
    let found = store.rule(*id).await?.ok_or(ApiError::NotFound)?;
    store.delete_rule(found.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the dispatch routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_rules)
        .service(create_rule)
        .service(get_rule)
        .service(update_rule)
        .service(delete_rule);
}
