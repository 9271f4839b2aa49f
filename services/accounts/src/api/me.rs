//! The caller's own account: profile, password, sessions, log-out.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::AnyScope;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::UserView;
use crate::domain::password;
use crate::state::AppState;
use crate::store::{audit, sessions, users};

/// The caller's own user (404 for API-client tokens, which are not users).
#[utoipa::path(
    tag = "users",
    responses((status = 200, description = "The calling user", body = UserView), ErrorResponses),
    security(("bearer" = []))
)]
#[get("/api/v1/users/me")]
pub async fn me(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id().ok_or(ApiError::NotFound)?;
    let store = users::UserStore::new(&state.db, auth.tenant_id);
    let found = store.get(user_id.uuid()).await?.ok_or(ApiError::NotFound)?;
    let team_ids = store.team_ids(found.id).await?;
    Ok(super::with_etag(
        found.version,
        &UserView::new(found, team_ids),
    ))
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

/// Changes the caller's password; every other session is logged out.
#[utoipa::path(
    tag = "users",
    request_body = PasswordChange,
    responses((status = 204, description = "Password changed"), ErrorResponses),
    security(("bearer" = []))
)]
#[post("/api/v1/users/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    req: HttpRequest,
    body: Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id().ok_or(ApiError::NotFound)?.uuid();
    let store = users::UserStore::new(&state.db, auth.tenant_id);
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
    if !super::verify_password(body.current_password.clone(), found.password_hash.clone()).await {
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
    if let Err(rule) = password::check_policy(&body.new_password, &found.email) {
        return Err(ApiError::field("new_password", rule));
    }
    found.password_hash = Some(super::hash_password(body.new_password.clone()).await?);
    let ctx = auth.ctx.clone();
    let ip = super::client_ip(&req);
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
    Ok(HttpResponse::NoContent().finish())
}

/// A login session of the caller.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a0c5-a1ad-7d0e-8b91-0562ae97ba94",
    "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "created_at": "2026-11-23T00:58:12Z",
    "last_used_at": "2026-11-23T07:43:12Z",
    "expires_at": "2026-12-23T00:58:12Z",
    "current": true
}))]
pub struct SessionView {
    /// Session id.
    pub id: Uuid,
    /// Client that opened it.
    pub user_agent: Option<String>,
    /// Opened at.
    pub created_at: DateTime<Utc>,
    /// Last token refresh.
    pub last_used_at: DateTime<Utc>,
    /// Ends at.
    pub expires_at: DateTime<Utc>,
    /// Whether this is the session of the calling token.
    pub current: bool,
}

/// The caller's sessions.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": "0193a0c5-a1ad-7d0e-8b91-0562ae97ba94",
            "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "created_at": "2026-11-23T00:58:12Z",
            "last_used_at": "2026-11-23T07:43:12Z",
            "expires_at": "2026-12-23T00:58:12Z",
            "current": true
        },
        {
            "id": "0193a0c5-7cd2-71e2-93be-2a8e92276658",
            "user_agent": "KefuMobile/2.4.0 (Android 14; HUAWEI Mate 60)",
            "created_at": "2026-11-18T01:02:00Z",
            "last_used_at": "2026-11-22T10:40:00Z",
            "expires_at": "2026-12-18T01:02:00Z",
            "current": false
        }
    ]
}))]
pub struct SessionList {
    /// Live sessions, newest first.
    pub items: Vec<SessionView>,
}

/// Lists the caller's live sessions.
#[utoipa::path(
    tag = "users",
    responses((status = 200, description = "Live sessions", body = SessionList), ErrorResponses),
    security(("bearer" = []))
)]
#[get("/api/v1/users/me/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id().ok_or(ApiError::NotFound)?.uuid();
    let items = sessions::list_live(&state.db, auth.tenant_id.uuid(), user_id)
        .await?
        .into_iter()
        .map(|s| SessionView {
            current: Some(s.id) == auth.session_id,
            id: s.id,
            user_agent: s.user_agent,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(SessionList { items }))
}

/// Revokes one of the caller's sessions (its refresh tokens and access tokens stop working).
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 204, description = "Session revoked"), ErrorResponses),
    security(("bearer" = []))
)]
#[delete("/api/v1/users/me/sessions/{id}")]
pub async fn revoke_session(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id().ok_or(ApiError::NotFound)?.uuid();
    let session = sessions::of_subject(&state.db, auth.tenant_id.uuid(), user_id, *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    sessions::revoke(&state.db, session.id, "revoked_by_user").await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Logs out: revokes the session of the calling token.
#[utoipa::path(
    tag = "users",
    responses((status = 204, description = "Logged out"), ErrorResponses),
    security(("bearer" = []))
)]
#[post("/api/v1/users/me/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.session_id.ok_or(ApiError::NotFound)?;
    sessions::revoke(&state.db, session, "logout").await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the routes of the caller's own account (before `/users/{id}`).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(me)
        .service(change_password)
        .service(list_sessions)
        .service(revoke_session)
        .service(logout);
}
