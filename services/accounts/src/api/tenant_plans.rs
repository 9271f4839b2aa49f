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
use kefu_platform::TenantScope;
use sea_orm::TransactionTrait;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::TenantView;
use crate::app::announce::{emit_tenant_change, tenant_data};
use crate::domain::plans::Plan;
use crate::state::AppState;
use crate::store::{audit, tenants};

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
    let plan = body.into_inner().plan;
    let id = id.into_inner();
    let ip = super::client_ip(&req);
    let saved = state
        .db
        .transaction::<_, _, ApiError>(|txn| {
            Box::pin(async move {
                let mut tenant = tenants::get(
                    txn,
                    TenantScope::by_credential(id, "operator token").tenant(),
                )
                .await?
                .ok_or(ApiError::NotFound)?;
                if_match.check(tenant.version)?;
                if tenant.status == "deleted" {
                    return Err(ApiError::conflict(
                        "tenant_deleted",
                        "a deleted tenant has no plan to change",
                    ));
                }
                let before = tenant_data(&tenant);
                tenant.plan = plan.as_str().into();
                let saved = tenants::save(txn, tenant).await?;
                let actor = Some(operator.operator_id);
                emit_tenant_change(txn, actor, &before, tenant_data(&saved)).await?;
                audit::record(
                    txn,
                    audit::AuditRecord {
                        tenant_id: Some(saved.id),
                        actor_id: Some(operator.operator_id),
                        action: "tenant.plan_changed",
                        target_type: Some("tenant"),
                        target_id: Some(saved.id),
                        ip,
                        details: serde_json::json!({"from": before.plan, "to": saved.plan}),
                    },
                )
                .await?;
                Ok(saved)
            })
        })
        .await?;
    state.outbox.committed();
    Ok(super::with_etag(saved.version, &TenantView::from(saved)))
}

/// Registers the plan route.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(change_plan);
}
