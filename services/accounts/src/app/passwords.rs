//! Passwords hashed and verified off the async workers, and a user changing their own.

use chrono::{Duration, Utc};
use kefu_platform::auth::TenantContext;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::UserId;
use kefu_platform::mail::{self, Email};
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, TenantScope};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::{opaque_token, password};
use crate::state::AppState;
use crate::store::{audit, password_resets, sessions, tenants, users};

/// Hashes a password on the blocking pool: argon2 takes tens of milliseconds and
/// must not stall the async workers that serve other requests.
pub async fn hash_password(password: String) -> Result<String, kefu_platform::ApiError> {
    tokio::task::spawn_blocking(move || crate::domain::password::hash(&password))
        .await
        .map_err(kefu_platform::ApiError::internal)?
        .map_err(kefu_platform::ApiError::internal)
}

/// Verifies a password on the blocking pool; with no stored hash it spends the same
/// time on a dummy hash, so the answer's timing does not tell whether one exists.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => crate::domain::password::verify(&password, &hash),
        None => {
            crate::domain::password::dummy_verify(&password);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "a long and unusual passphrase", "new_password": "an even longer unusual passphrase"}))]
pub struct PasswordChange {
    /// The password now.
    #[schema(max_length = 256)]
    pub current_password: String,
    /// The new password (10–256 characters, not common).
    #[schema(max_length = 256)]
    pub new_password: String,
}

impl Validate for PasswordChange {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length(
            "current_password",
            &self.current_password,
            1,
            password::MAX_LENGTH,
        );
        if let Err(rule) = password::check_policy(&self.new_password, "") {
            checks.fail("new_password", rule);
        }
        checks.finish()
    }
}

/// Changes a user's own password after checking the current one; every other
/// session of theirs is logged out.
pub async fn change_own_password(
    state: &AppState,
    ctx: &TenantContext,
    user_id: UserId,
    change: PasswordChange,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let store = users::UserStore::new(&state.db, ctx.tenant_id);
    let mut found = store.get(user_id).await?.ok_or(ApiError::NotFound)?;
    // The current-password check counts toward the same lock-out as logins, so a
    // stolen access token is no unlimited password oracle.
    let now = chrono::Utc::now();
    let counters = crate::domain::lockout::Counters {
        failures: found.failed_logins,
        window_start: found.failed_window_start,
        locked_until: found.locked_until,
    };
    if let Some(retry_after) = state.settings.lockout.locked_for(&counters, now) {
        return Err(ApiError::Locked { retry_after });
    }
    if !verify_password(change.current_password.clone(), found.password_hash.clone()).await {
        crate::store::login_counters::user_failed(
            &state.db,
            &state.settings.lockout,
            found.id,
            now,
        )
        .await?;
        return Err(ApiError::field(
            "current_password",
            "is not your current password",
        ));
    }
    if let Err(rule) = password::check_policy(&change.new_password, &found.email) {
        return Err(ApiError::field("new_password", rule));
    }
    found.password_hash = Some(hash_password(change.new_password.clone()).await?);
    let ctx = ctx.clone();
    state
        .db
        .transaction::<_, (), ApiError>(|txn| {
            Box::pin(async move {
                let store = users::UserStore::new(txn, ctx.tenant_id);
                let saved = store.save(found, &IfMatch::Absent).await?;
                for session in sessions::list_live(txn, ctx.tenant_id.uuid(), saved.id).await? {
                    if Some(session.id) != ctx.session_id {
                        sessions::revoke(txn, session.id, "password_changed").await?;
                    }
                }
                audit::record(
                    txn,
                    audit::AuditRecord {
                        tenant_id: Some(ctx.tenant_id.uuid()),
                        actor_id: Some(saved.id),
                        action: "password.changed",
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
    Ok(())
}

/// Most reset mails one account gets in an hour.
pub const RESET_MAILS_PER_HOUR: u64 = 3;

/// Queues a reset email when `email` is an active user of the active tenant `tenant_slug`;
/// answers the same either way, so the caller cannot tell which accounts exist.
pub async fn request_reset_mail(
    state: &AppState,
    tenant_slug: &str,
    email: &str,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let ttl = Duration::from_std(state.settings.password_reset_ttl).map_err(ApiError::internal)?;
    let issuer = state.settings.issuer.clone();
    let (tenant_slug, email) = (tenant_slug.to_string(), email.to_string());
    let queued = state
        .db
        .transaction::<_, bool, ApiError>(|txn| {
            Box::pin(async move {
                let Some(tenant) = tenants::find_by_slug(txn, &tenant_slug).await? else {
                    return Ok(false);
                };
                if tenant.status != "active" {
                    return Ok(false);
                }
                // Anyone may ask: the reset mail, not this answer, reaches the user.
                let scope = TenantScope::by_credential(tenant.id, "password reset request");
                let store = users::UserStore::new(txn, scope.tenant());
                let Some(user) = store.find_by_email(&email).await? else {
                    return Ok(false);
                };
                if user.status != "active" {
                    return Ok(false);
                }
                // A few mails an hour let a user retry; more would let anyone flood them.
                let hour_ago = Utc::now() - Duration::hours(1);
                if password_resets::issued_since(txn, &scope, user.id, hour_ago).await?
                    >= RESET_MAILS_PER_HOUR
                {
                    return Ok(false);
                }
                let token = opaque_token::generate("kp_");
                let expires_at = Utc::now() + ttl;
                password_resets::issue(
                    txn,
                    &scope,
                    user.id,
                    opaque_token::digest(&token),
                    expires_at,
                )
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
    Ok(())
}

/// Sets a new password with a reset token (single use); every session of the user ends.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: String,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let digest = opaque_token::digest(token);
    // Check the token before paying for argon2: a public route must not hash for strangers.
    let usable = password_resets::usable_by_digest(&state.db, &digest, Utc::now())
        .await?
        .is_some();
    if !usable {
        return Err(ApiError::field(
            "token",
            "is invalid, used or expired; request a new reset email",
        ));
    }
    let hash = hash_password(password.clone()).await?;
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
                let reset = password_resets::usable_by_digest(txn, &digest, Utc::now())
                    .await?
                    .ok_or_else(invalid)?;
                let store = users::UserStore::new(
                    txn,
                    TenantScope::by_credential(reset.tenant_id, "password reset token").tenant(),
                );
                let mut user = store
                    .get(UserId::from(reset.user_id))
                    .await?
                    .filter(|u| u.status == "active")
                    .ok_or_else(invalid)?;
                if let Err(rule) = password::check_policy(&password, &user.email) {
                    return Err(ApiError::field("password", rule));
                }
                // Single use: only the request that flips `used_at` may continue.
                if !password_resets::claim(txn, &reset, Utc::now()).await? {
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
    Ok(())
}
