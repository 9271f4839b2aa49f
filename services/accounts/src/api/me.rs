//! The caller's own account: profile, password, sessions, log-out.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::AnyScope;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::{ApiError, Authz};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::UserView;
use crate::app::passwords::{change_own_password, PasswordChange};
use crate::state::AppState;
use crate::store::{sessions, users};

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
    let found = store.get(user_id).await?.ok_or(ApiError::NotFound)?;
    let team_ids = store.team_ids(found.id).await?;
    Ok(super::with_etag(
        found.version,
        &UserView::new(found, team_ids),
    ))
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
    let user_id = auth.user_id().ok_or(ApiError::NotFound)?;
    let change = body.into_inner();
    let ip = super::client_ip(&req);
    change_own_password(&state, &auth.ctx, user_id, change, ip).await?;
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
