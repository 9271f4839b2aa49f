//! `GET/PATCH /api/v1/tenant`: the caller's own tenant and its settings.

use actix_web::{get, patch, web, HttpRequest, HttpResponse};
use kefu_platform::auth::scopes::{AccountsAdmin, AccountsRead};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::views::TenantView;
use crate::app::announce::{emit_tenant_change, tenant_data};
use crate::app::tenants::{check_locale, check_time_zone};
use crate::state::AppState;
use crate::store::{audit, tenants};

/// The caller's tenant.
#[utoipa::path(
    tag = "tenants",
    responses((status = 200, description = "The tenant", body = TenantView), ErrorResponses),
    security(("bearer" = ["accounts:read"]))
)]
#[get("/api/v1/tenant")]
pub async fn get_tenant(
    state: web::Data<AppState>,
    auth: Authz<AccountsRead>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenants::get(&state.db, auth.tenant_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(super::with_etag(tenant.version, &TenantView::from(tenant)))
}

/// Changes to the tenant's settings; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Acme Service Centre East", "time_zone": "Asia/Shanghai", "locale": "zh-CN"}))]
pub struct TenantPatch {
    /// Display name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// IANA time zone.
    #[schema(max_length = 64)]
    pub time_zone: Option<String>,
    /// BCP 47 locale, 2–35 characters.
    #[schema(max_length = 35)]
    pub locale: Option<String>,
    /// Default business-hours calendar id; empty string clears it.
    #[schema(max_length = 100)]
    pub business_hours_calendar: Option<String>,
}

impl Validate for TenantPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length_opt("name", self.name.as_deref(), 1, 200);
        checks.length_opt(
            "business_hours_calendar",
            self.business_hours_calendar.as_deref(),
            0,
            100,
        );
        if let Some(tz) = &self.time_zone {
            check_time_zone(&mut checks, "time_zone", tz);
        }
        if let Some(locale) = &self.locale {
            check_locale(&mut checks, "locale", locale);
        }
        checks.finish()
    }
}

/// Updates the tenant's settings (`If-Match` with the ETag guards against lost updates).
#[utoipa::path(
    tag = "tenants",
    request_body = TenantPatch,
    params(("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    responses((status = 200, description = "Updated tenant", body = TenantView), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[patch("/api/v1/tenant")]
pub async fn update_tenant(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    if_match: IfMatch,
    req: HttpRequest,
    body: Json<TenantPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let ctx = auth.ctx.clone();
    let ip = super::client_ip(&req);
    let saved = state
        .db
        .transaction::<_, _, ApiError>(|txn| {
            Box::pin(async move {
                let mut tenant = tenants::get(txn, ctx.tenant_id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                if_match.check(tenant.version)?;
                let before = tenant_data(&tenant);
                if let Some(name) = patch.name {
                    tenant.name = name.trim().to_string();
                }
                if let Some(tz) = patch.time_zone {
                    tenant.time_zone = tz;
                }
                if let Some(locale) = patch.locale {
                    tenant.locale = locale;
                }
                if let Some(calendar) = patch.business_hours_calendar {
                    tenant.business_hours_calendar = Some(calendar).filter(|c| !c.is_empty());
                }
                let saved = tenants::save(txn, tenant).await?;
                emit_tenant_change(txn, Some(ctx.actor), &before, tenant_data(&saved)).await?;
                audit::record(
                    txn,
                    audit::AuditRecord {
                        tenant_id: Some(saved.id),
                        actor_id: Some(ctx.actor),
                        action: "tenant.updated",
                        target_type: Some("tenant"),
                        target_id: Some(saved.id),
                        ip,
                        details: serde_json::json!({}),
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

/// Registers the tenant routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_tenant).service(update_tenant);
}
