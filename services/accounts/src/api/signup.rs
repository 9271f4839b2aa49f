//! `POST /api/v1/tenants`: public sign-up of a tenant and its owner, in one transaction.

use actix_web::{post, web, HttpRequest, HttpResponse};
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::ApiError;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::views::{TenantView, UserView};
use crate::app::tenants::create_tenant;
pub use crate::app::tenants::{NewOwnerBody, NewTenantBody, SignUpBody};
use crate::state::AppState;

/// Sign-up response: the tenant and its owner (log in with the password grant next).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "tenant": {
        "id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37",
        "slug": "acme",
        "name": "Acme Service Centre",
        "status": "active",
        "plan": "free",
        "quotas": {"max_users": 5, "requests_per_minute": 120},
        "time_zone": "Asia/Shanghai",
        "locale": "zh-CN",
        "business_hours_calendar": null,
        "version": 1,
        "created_at": "2026-11-02T01:30:00Z",
        "updated_at": "2026-11-02T01:30:00Z"
    },
    "owner": {
        "id": "0193a0c4-c6e8-7160-9ac3-55266f03675a",
        "tenant_id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37",
        "email": "li.wei@acme.example",
        "name": "Li Wei",
        "phone": null,
        "status": "active",
        "roles": ["owner"],
        "team_ids": [],
        "customer_id": null,
        "last_login_at": null,
        "version": 1,
        "created_at": "2026-11-02T01:30:00Z",
        "updated_at": "2026-11-02T01:30:00Z"
    }
}))]
pub struct SignUpResponse {
    /// The new tenant.
    pub tenant: TenantView,
    /// The owner user.
    pub owner: UserView,
}

/// Creates a tenant and its owner user.
#[utoipa::path(
    tag = "tenants",
    request_body = SignUpBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    responses((status = 201, description = "Tenant and owner created", body = SignUpResponse), ErrorResponses),
    security(())
)]
#[post("/api/v1/tenants")]
pub async fn sign_up(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<SignUpBody>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, owner) = create_tenant(&state, body.into_inner(), super::client_ip(&req)).await?;
    let created = SignUpResponse {
        tenant: TenantView::from(tenant),
        owner: UserView::new(owner, Vec::new()),
    };
    Ok(HttpResponse::Created()
        .insert_header(("Location", "/api/v1/tenant"))
        .json(created))
}

/// Registers the sign-up route.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(sign_up);
}
