//! Password reset (public): a single-use, expiring token sent by email.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::mail::{self, Email};
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::ApiError;
use kefu_platform::TenantScope;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::domain::{opaque_token, password};
use crate::state::AppState;
use crate::store::entities::password_reset;
use crate::store::{audit, tenants, users};

/// A request for a reset email.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tenant": "acme", "email": "li.wei@acme.example"}))]
pub struct ResetRequestBody {
    /// Tenant slug.
    #[schema(max_length = 63)]
    pub tenant: String,
    /// The account's email.
    #[schema(max_length = 254)]
    pub email: String,
}

impl Validate for ResetRequestBody {
    fn validate(&self) -> Result<(), ApiError> {
        Checks::new()
            .length("tenant", &self.tenant, 1, 63)
            .email("email", &self.email)
            .finish()
    }
}

/// Sends a reset email if the account exists; answers 202 either way, so the
/// endpoint does not tell which emails are registered.
#[utoipa::path(
    tag = "users",
    request_body = ResetRequestBody,
    responses((status = 202, description = "If the account exists, an email is on its way"), ErrorResponses),
    security(())
)]
#[post("/api/v1/password-resets")]
pub async fn request_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<ResetRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ip = super::client_ip(&req);
    let ttl = Duration::from_std(state.settings.password_reset_ttl).map_err(ApiError::internal)?;
    let issuer = state.settings.issuer.clone();
    let queued = state
        .db
        .transaction::<_, bool, ApiError>(|txn| {
            Box::pin(async move {
                let Some(tenant) = tenants::find_by_slug(txn, &body.tenant).await? else {
                    return Ok(false);
                };
                if tenant.status != "active" {
                    return Ok(false);
                }
                let store = users::UserStore::new(
                    txn,
                    // Anyone may ask: the reset mail, not this answer, reaches the user.
                    TenantScope::by_credential(tenant.id, "password reset request").tenant(),
                );
                let Some(user) = store.find_by_email(&body.email).await? else {
                    return Ok(false);
                };
                if user.status != "active" {
                    return Ok(false);
                }
                let token = opaque_token::generate("kp_");
                let expires_at = Utc::now() + ttl;
                password_reset::Entity::insert(password_reset::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    tenant_id: Set(tenant.id),
                    user_id: Set(user.id),
                    token_hash: Set(opaque_token::digest(&token)),
                    expires_at: Set(expires_at),
                    used_at: Set(None),
                    created_at: Set(Utc::now()),
                })
                .exec(txn)
                .await?;
                mail::queue(
                    txn,
                    Email {
                        to: user.email.clone(),
                        subject: format!("Reset your {} password", tenant.name),
                        text: format!(
                        "Hello {},\n\nSomeone asked to reset the password of your account at {}.\n\
                         If it was you, send this token with your new password to\n\
                         POST {issuer}/api/v1/password-resets/confirm before {}:\n\n{token}\n\n\
                         If it was not you, ignore this email; your password stays as it is.\n",
                        user.name, tenant.name, expires_at.to_rfc3339()
                    ),
                    },
                )
                .await?;
                audit::record(
                    txn,
                    audit::AuditRecord {
                        tenant_id: Some(tenant.id),
                        actor_id: Some(user.id),
                        action: "password_reset.requested",
                        target_type: Some("user"),
                        target_id: Some(user.id),
                        ip,
                        details: serde_json::json!({}),
                    },
                )
                .await?;
                Ok(true)
            })
        })
        .await?;
    if queued {
        state.mailer.wake();
    } else {
        // Same cost as the real path, so timing does not tell whether the account exists.
        let _ = opaque_token::digest(&opaque_token::generate("kp_"));
    }
    Ok(HttpResponse::Accepted().finish())
}

/// A new password with the token from the reset email.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "kp_Zx8...", "password": "a fresh and unusual passphrase"}))]
pub struct ResetConfirmBody {
    /// The token from the email.
    #[schema(max_length = 200)]
    pub token: String,
    /// The new password (10–256 characters, not common).
    #[schema(max_length = 256)]
    pub password: String,
}

impl Validate for ResetConfirmBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("token", &self.token, 1, 200);
        if let Err(rule) = password::check_policy(&self.password, "") {
            checks.fail("password", rule);
        }
        checks.finish()
    }
}

/// Sets a new password with a reset token (single use); every session of the user ends.
#[utoipa::path(
    tag = "users",
    request_body = ResetConfirmBody,
    responses((status = 204, description = "Password changed; log in again"), ErrorResponses),
    security(())
)]
#[post("/api/v1/password-resets/confirm")]
pub async fn confirm_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<ResetConfirmBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let digest = opaque_token::digest(&body.token);
    // Check the token before paying for argon2: a public route must not hash for strangers.
    let usable = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(digest.clone()))
        .one(&state.db)
        .await?
        .is_some_and(|r| r.used_at.is_none() && r.expires_at > Utc::now());
    if !usable {
        return Err(ApiError::field(
            "token",
            "is invalid, used or expired; request a new reset email",
        ));
    }
    let hash = super::hash_password(body.password.clone()).await?;
    let ip = super::client_ip(&req);
    state
        .db
        .transaction::<_, (), ApiError>(|txn| {
            Box::pin(async move {
                let invalid = || {
                    ApiError::field(
                        "token",
                        "is invalid, used or expired; request a new reset email",
                    )
                };
                let reset = password_reset::Entity::find()
                    .filter(password_reset::Column::TokenHash.eq(digest))
                    .one(txn)
                    .await?
                    .filter(|r| r.used_at.is_none() && r.expires_at > Utc::now())
                    .ok_or_else(invalid)?;
                let store = users::UserStore::new(
                    txn,
                    TenantScope::by_credential(reset.tenant_id, "password reset token").tenant(),
                );
                let mut user = store
                    .get(reset.user_id)
                    .await?
                    .filter(|u| u.status == "active")
                    .ok_or_else(invalid)?;
                if let Err(rule) = password::check_policy(&body.password, &user.email) {
                    return Err(ApiError::field("password", rule));
                }
                // Single use: only the request that flips `used_at` may continue.
                let claimed = password_reset::Entity::update_many()
                    .col_expr(
                        password_reset::Column::UsedAt,
                        sea_orm::sea_query::Expr::value(Utc::now()),
                    )
                    .filter(password_reset::Column::Id.eq(reset.id))
                    .filter(password_reset::Column::UsedAt.is_null())
                    .exec(txn)
                    .await?;
                if claimed.rows_affected != 1 {
                    return Err(invalid());
                }
                user.password_hash = Some(hash);
                user.failed_logins = 0;
                user.failed_window_start = None;
                user.locked_until = None;
                let saved = store.save(user, &IfMatch::Absent).await?;
                store.revoke_sessions(saved.id, "password_reset").await?;
                audit::record(
                    txn,
                    audit::AuditRecord {
                        tenant_id: Some(saved.tenant_id),
                        actor_id: Some(saved.id),
                        action: "password_reset.completed",
                        target_type: Some("user"),
                        target_id: Some(saved.id),
                        ip,
                        details: serde_json::json!({}),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the password-reset routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(request_reset).service(confirm_reset);
}
