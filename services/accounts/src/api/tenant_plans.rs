//! `PATCH /api/v1/platform/tenants/{id}`: an operator moves a tenant to another plan.
//! Tokens carry the plan, so the gateway applies the new rate limit from each
//! user's next token (at most one access-token lifetime later).

use actix_web::{patch, web, HttpRequest, HttpResponse};
use kefu_platform::auth::Operator;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::validation::Validate;
use kefu_platform::ApiError;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::TenantView;
use crate::app::tenants::change_plan_of;
use crate::domain::plans::Plan;
use crate::state::AppState;

/// What an operator may change on a tenant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"plan": "standard"}))]
pub struct TenantPlanPatch {
    /// The new plan.
    pub plan: Plan,
}

impl Validate for TenantPlanPatch {}

/// Changes a tenant's plan (`If-Match` guards against lost updates).
#[utoipa::path(
    tag = "platform",
    params(
        ("id" = Uuid, Path, description = "Tenant id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version you read"),
    ),
    request_body = TenantPlanPatch,
    responses((status = 200, description = "The tenant on its new plan", body = TenantView), ErrorResponses),
    security(("bearer" = ["platform:admin"]))
)]
#[patch("/api/v1/platform/tenants/{id}")]
pub async fn change_plan(
    state: web::Data<AppState>,
    operator: Operator,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    req: HttpRequest,
    body: Json<TenantPlanPatch>,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let saved = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move {
                change_plan_of(
                    txn,
                    operator.operator_id,
                    id.into_inner(),
                    if_match,
                    body.into_inner().plan,
                    ip,
                )
                .await
            })
        })
        .await?;
    Ok(super::with_etag(saved.version, &TenantView::from(saved)))
}

/// Registers the plan route.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(change_plan);
}
