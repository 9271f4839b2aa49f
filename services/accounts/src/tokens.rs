//! Issuing access tokens: claims from the principal, signed with the active key.

use chrono::Utc;
use jsonwebtoken::{Algorithm, Header};
use kefu_platform::auth::{Claims, AUDIENCE};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::state::AppState;

/// Who a token is for.
#[derive(Debug, Clone)]
pub struct Principal {
    /// User, operator or API-client id.
    pub subject: Uuid,
    /// Tenant (none for operators).
    pub tenant: Option<Uuid>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Role keys (users).
    pub roles: Vec<String>,
    /// Customer of a portal user.
    pub customer: Option<Uuid>,
    /// Session (users and operators; none for API clients).
    pub session: Option<Uuid>,
    /// The tenant's plan (none for operators).
    pub plan: Option<String>,
}

/// The RFC 6749 token response.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJFZERTQSIs...", "token_type": "Bearer", "expires_in": 900, "refresh_token": "kr_3q2...", "scope": "accounts:read tickets:read"}))]
pub struct TokenResponse {
    /// The JWT access token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Single-use refresh token (not for client credentials).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Granted scopes, space-separated.
    pub scope: String,
}

/// Signs an access token for `principal`.
pub async fn access_token(state: &AppState, principal: &Principal) -> anyhow::Result<String> {
    let key = state.keyring.active().await?;
    let now = Utc::now().timestamp();
    let claims = Claims {
        sub: principal.subject,
        tid: principal.tenant,
        scope: principal.scopes.join(" "),
        roles: principal.roles.clone(),
        exp: now + i64::try_from(state.settings.access_ttl.as_secs()).unwrap_or(900),
        iat: now,
        jti: Uuid::now_v7(),
        iss: state.settings.issuer.clone(),
        aud: AUDIENCE.into(),
        cid: principal.customer,
        plan: principal.plan.clone(),
        sid: principal.session,
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(key.kid);
    Ok(jsonwebtoken::encode(&header, &claims, &key.encoding)?)
}

/// The full token response for `principal`.
pub async fn respond(
    state: &AppState,
    principal: &Principal,
    refresh_token: Option<String>,
) -> anyhow::Result<TokenResponse> {
    Ok(TokenResponse {
        access_token: access_token(state, principal).await?,
        token_type: "Bearer",
        expires_in: state.settings.access_ttl.as_secs(),
        refresh_token,
        scope: principal.scopes.join(" "),
    })
}
