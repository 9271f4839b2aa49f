//! Tenants' own use cases: sign-up (the public form, `kefu tenant create` and the demo
//! all create a tenant through [`create_tenant`]).

use chrono::Utc;
use kefu_events::catalogue::accounts::{TenantCreated, UserCreated};
use kefu_platform::auth::TenantContext;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::ApiError;
use kefu_platform::{TenantId, TenantScope};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::announce::{emit, emit_tenant_change, tenant_data, user_data};
use crate::domain::status::{next_status, TenantAction, TenantStatus};
use crate::domain::{password, plans::Plan};
use crate::error_codes;
use crate::state::AppState;
use crate::store::entities::{tenant, user};
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

/// Creates a tenant, its roles and its owner in one transaction (sign-up and `kefu tenant create`).
pub async fn create_tenant(
    state: &AppState,
    body: SignUpBody,
    ip: Option<String>,
) -> Result<(tenant::Model, user::Model), ApiError> {
    body.validate()?;
    // Hash before the transaction: argon2 is slow and must not hold a write lock.
    let password_hash = super::passwords::hash_password(body.owner.password.clone()).await?;
    let result = state
        .db
        .transaction::<_, (tenant::Model, user::Model), ApiError>(|txn| {
            Box::pin(async move {
                if tenants::find_by_slug(txn, &body.tenant.slug)
                    .await?
                    .is_some()
                {
                    return Err(ApiError::conflict(
                        error_codes::SLUG_TAKEN,
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
                    ApiError::taken_or(
                        e,
                        (error_codes::SLUG_TAKEN, "a tenant with this slug exists"),
                    )
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
                Ok((tenant, owner))
            })
        })
        .await?;
    state.outbox.committed();
    Ok(result)
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

/// Changes the tenant's settings in one transaction: the versioned save, the event, the audit entry.
pub async fn update_settings(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    if_match: IfMatch,
    patch: TenantPatch,
    ip: Option<String>,
) -> Result<tenant::Model, ApiError> {
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
}

/// Moves a tenant to another plan for a platform operator, in one transaction.
pub async fn change_plan_of(
    txn: &DatabaseTransaction,
    operator_id: Uuid,
    id: Uuid,
    if_match: IfMatch,
    plan: Plan,
    ip: Option<String>,
) -> Result<tenant::Model, ApiError> {
    let mut tenant = tenants::get(
        txn,
        TenantScope::by_credential(id, "operator token").tenant(),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    if_match.check(tenant.version)?;
    if tenant.status == "deleted" {
        return Err(ApiError::conflict(
            error_codes::TENANT_DELETED,
            "a deleted tenant has no plan to change",
        ));
    }
    let before = tenant_data(&tenant);
    tenant.plan = plan.as_str().into();
    let saved = tenants::save(txn, tenant).await?;
    let actor = Some(operator_id);
    emit_tenant_change(txn, actor, &before, tenant_data(&saved)).await?;
    audit::record(
        txn,
        audit::AuditRecord {
            tenant_id: Some(saved.id),
            actor_id: Some(operator_id),
            action: "tenant.plan_changed",
            target_type: Some("tenant"),
            target_id: Some(saved.id),
            ip,
            details: serde_json::json!({"from": before.plan, "to": saved.plan}),
        },
    )
    .await?;
    Ok(saved)
}

/// Applies `action` to a tenant in one transaction, with its audit entry.
pub async fn change_status(
    txn: &DatabaseTransaction,
    operator_id: Uuid,
    id: Uuid,
    action: TenantAction,
    ip: Option<String>,
) -> Result<tenant::Model, ApiError> {
    let mut tenant = tenants::get(
        txn,
        TenantScope::by_credential(id, "operator token").tenant(),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    let current = TenantStatus::parse(&tenant.status).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "tenant {id} has unknown status {}",
            tenant.status
        ))
    })?;
    let Some(next) = next_status(current, action)? else {
        return Ok(tenant);
    };
    let before = tenant_data(&tenant);
    tenant.status = next.as_str().into();
    let mut details = serde_json::json!({"by": "platform_operator", "from": current.as_str(), "to": next.as_str()});
    if next == TenantStatus::Deleted {
        tenant.deleted_at = Some(Utc::now());
        details["rows_purged"] = crate::store::tenant_purge::purge(txn, id).await?.into();
    }
    let saved = tenants::save(txn, tenant).await?;
    emit_tenant_change(txn, Some(operator_id), &before, tenant_data(&saved)).await?;
    // Recorded in the tenant's own log so its owner can see what the platform did;
    // after a purge it is the one entry left, the record of the deletion.
    audit::record(
        txn,
        audit::AuditRecord {
            tenant_id: Some(saved.id),
            actor_id: Some(operator_id),
            action: action.audit_action(),
            target_type: Some("tenant"),
            target_id: Some(saved.id),
            ip,
            details,
        },
    )
    .await?;
    Ok(saved)
}

/// Whether any tenant exists (the embedded first start seeds a demo when none does).
pub async fn any_tenant<C: sea_orm::ConnectionTrait>(conn: &C) -> Result<bool, sea_orm::DbErr> {
    tenants::any(conn).await
}
