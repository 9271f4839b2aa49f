//! `POST /api/v1/tenants`: public sign-up of a tenant and its owner, in one transaction.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use kefu_events::catalogue::accounts::{TenantCreated, UserCreated};
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::ApiError;
use kefu_platform::TenantId;
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::{TenantView, UserView};
use crate::domain::{password, plans::Plan};
use crate::events::{emit, tenant_data, user_data};
use crate::state::AppState;
use crate::store::entities::user;
use crate::store::{audit, encode_list, tenants, users};

/// The tenant part of a sign-up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTenantBody {
    /// Display name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// Unique slug used at login: 3–63 lowercase letters, digits, hyphens.
    #[schema(min_length = 3, max_length = 63)]
    pub slug: String,
    /// IANA time zone (default `UTC`).
    #[schema(max_length = 64)]
    pub time_zone: Option<String>,
    /// BCP 47 locale (default `en`), 2–35 characters.
    #[schema(max_length = 35)]
    pub locale: Option<String>,
}

/// The owner part of a sign-up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOwnerBody {
    /// Full name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// Email, used at login.
    #[schema(max_length = 254)]
    pub email: String,
    /// 10–256 characters, not a common password.
    #[schema(max_length = 256)]
    pub password: String,
}

/// Sign-up request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tenant": {"name": "Acme Service Centre", "slug": "acme", "time_zone": "Asia/Shanghai", "locale": "zh-CN"}, "owner": {"name": "Li Wei", "email": "li.wei@acme.example", "password": "a long and unusual passphrase"}}))]
pub struct SignUpBody {
    /// The new tenant.
    pub tenant: NewTenantBody,
    /// Its first user, who gets the `owner` role.
    pub owner: NewOwnerBody,
}

/// Longest time zone name accepted; every IANA name is shorter.
pub const MAX_TIME_ZONE_LEN: usize = 64;

/// Checks a time zone name against the IANA database.
pub fn check_time_zone(checks: &mut Checks, field: &str, value: &str) {
    if value.len() > MAX_TIME_ZONE_LEN || value.parse::<chrono_tz::Tz>().is_err() {
        checks.fail(field, "is not an IANA time zone name (e.g. Europe/Paris)");
    }
}

/// Checks a BCP 47 locale tag loosely: letters, digits and hyphens, 2–35 characters.
pub fn check_locale(checks: &mut Checks, field: &str, value: &str) {
    let ok = (2..=35).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    checks.ensure(ok, field, "is not a locale tag (e.g. en, zh-CN)");
}

impl Validate for SignUpBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks
            .length("tenant.name", &self.tenant.name, 1, 200)
            .slug("tenant.slug", &self.tenant.slug)
            .length("owner.name", &self.owner.name, 1, 200)
            .email("owner.email", &self.owner.email);
        if let Some(tz) = &self.tenant.time_zone {
            check_time_zone(&mut checks, "tenant.time_zone", tz);
        }
        if let Some(locale) = &self.tenant.locale {
            check_locale(&mut checks, "tenant.locale", locale);
        }
        if let Err(rule) = password::check_policy(&self.owner.password, &self.owner.email) {
            checks.fail("owner.password", rule);
        }
        checks.finish()
    }
}

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
    let created = create_tenant(&state, body.into_inner(), super::client_ip(&req)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", "/api/v1/tenant"))
        .json(created))
}

/// Creates a tenant, its roles and its owner in one transaction (sign-up and `kefu tenant create`).
pub async fn create_tenant(
    state: &AppState,
    body: SignUpBody,
    ip: Option<String>,
) -> Result<SignUpResponse, ApiError> {
    body.validate()?;
    // Hash before the transaction: argon2 is slow and must not hold a write lock.
    let password_hash = super::hash_password(body.owner.password.clone()).await?;
    let result = state
        .db
        .transaction::<_, (TenantView, UserView), ApiError>(|txn| {
            Box::pin(async move {
                if tenants::find_by_slug(txn, &body.tenant.slug)
                    .await?
                    .is_some()
                {
                    return Err(ApiError::conflict(
                        "slug_taken",
                        "a tenant with this slug exists",
                    ));
                }
                let tenant_id = TenantId::new();
                let tenant = tenants::create(
                    txn,
                    tenants::NewTenant {
                        id: tenant_id,
                        slug: body.tenant.slug.clone(),
                        name: body.tenant.name.trim().to_string(),
                        time_zone: body
                            .tenant
                            .time_zone
                            .clone()
                            .unwrap_or_else(|| "UTC".into()),
                        locale: body.tenant.locale.clone().unwrap_or_else(|| "en".into()),
                        plan: Plan::Free.as_str().into(),
                    },
                )
                .await
                .map_err(|e| {
                    unique_as_conflict(e, "slug_taken", "a tenant with this slug exists")
                })?;
                let now = Utc::now();
                let owner = users::UserStore::new(txn, tenant_id)
                    .insert(user::Model {
                        id: Uuid::now_v7(),
                        tenant_id: tenant.id,
                        email: body.owner.email.trim().to_string(),
                        email_normalized: users::normalize_email(&body.owner.email),
                        name: body.owner.name.trim().to_string(),
                        phone: None,
                        password_hash: Some(password_hash),
                        status: "active".into(),
                        roles: encode_list(&["owner".to_string()]),
                        customer_id: None,
                        contact_id: None,
                        failed_logins: 0,
                        failed_window_start: None,
                        locked_until: None,
                        last_login_at: None,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    })
                    .await?;
                audit::record(
                    txn,
                    audit::AuditRecord {
                        tenant_id: Some(tenant.id),
                        actor_id: Some(owner.id),
                        action: "tenant.created",
                        target_type: Some("tenant"),
                        target_id: Some(tenant.id),
                        ip,
                        details: serde_json::json!({"slug": tenant.slug}),
                    },
                )
                .await?;
                let actor = Some(owner.id);
                emit(txn, tenant.id, actor, TenantCreated(tenant_data(&tenant))).await?;
                emit(
                    txn,
                    tenant.id,
                    actor,
                    UserCreated(user_data(&owner, Vec::new())),
                )
                .await?;
                Ok((TenantView::from(tenant), UserView::new(owner, Vec::new())))
            })
        })
        .await?;
    state.outbox.committed();
    let (tenant, owner) = result;
    Ok(SignUpResponse { tenant, owner })
}

/// Maps a unique violation (a lost race) to a 409.
pub fn unique_as_conflict(err: sea_orm::DbErr, code: &'static str, detail: &str) -> ApiError {
    if kefu_platform::db::is_unique_violation(&err) {
        ApiError::conflict(code, detail)
    } else {
        err.into()
    }
}

/// Registers the sign-up route.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(sign_up);
}
