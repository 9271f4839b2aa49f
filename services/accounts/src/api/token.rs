//! `POST /oauth/token` (RFC 6749: password, refresh_token, client_credentials)
//! and `GET /.well-known/jwks.json`.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{Duration, Utc};
use kefu_platform::ids::UserId;
use kefu_platform::TenantScope;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::lockout::Counters;
use crate::domain::opaque_token;
use crate::state::AppState;
use crate::store::entities::tenant;
use crate::store::{
    api_clients, audit, decode_list, login_counters, operators, roles, sessions, tenants, users,
};
use crate::tokens::{self, Principal, TokenResponse};

/// The grants `POST /oauth/token` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    /// Email and password of a user or operator.
    Password,
    /// A refresh token from an earlier answer.
    RefreshToken,
    /// An API client's id and secret.
    ClientCredentials,
}

impl GrantType {
    /// The grant named `name`, if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "password" => Some(Self::Password),
            "refresh_token" => Some(Self::RefreshToken),
            "client_credentials" => Some(Self::ClientCredentials),
            _ => None,
        }
    }
}

/// The form of a token request (fields depend on `grant_type`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TokenForm {
    /// `password`, `refresh_token` or `client_credentials`.
    #[schema(value_type = Option<GrantType>)]
    pub grant_type: Option<String>,
    /// Email (password grant).
    #[schema(max_length = 254)]
    pub username: Option<String>,
    /// Password (password grant).
    #[schema(max_length = 256)]
    pub password: Option<String>,
    /// Tenant slug (password grant; operators omit it).
    #[schema(max_length = 63)]
    pub tenant: Option<String>,
    /// Refresh token (refresh grant).
    #[schema(max_length = 200)]
    pub refresh_token: Option<String>,
    /// Requested scopes, space-separated (client credentials: a subset of the client's).
    #[schema(max_length = 1024)]
    pub scope: Option<String>,
    /// Client id (client credentials, if not in HTTP Basic).
    #[schema(max_length = 100)]
    pub client_id: Option<String>,
    /// Client secret (client credentials, if not in HTTP Basic).
    #[schema(max_length = 200)]
    pub client_secret: Option<String>,
}

impl TokenForm {
    /// The first field longer than the document allows, with its limit: no email,
    /// password, slug or secret this API knows is longer.
    fn overlong(&self) -> Option<(&'static str, usize)> {
        [
            ("username", &self.username, 254),
            (
                "password",
                &self.password,
                crate::domain::password::MAX_LENGTH,
            ),
            ("tenant", &self.tenant, 63),
            ("refresh_token", &self.refresh_token, 200),
            ("scope", &self.scope, 1024),
            ("client_id", &self.client_id, 100),
            ("client_secret", &self.client_secret, 200),
        ]
        .into_iter()
        .find(|(_, value, max)| value.as_deref().is_some_and(|v| v.chars().count() > *max))
        .map(|(name, _, max)| (name, max))
    }
}

/// The RFC 6749 error object.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": "invalid_grant", "error_description": "invalid credentials"}))]
pub struct OAuthError {
    /// RFC 6749 error code.
    pub error: &'static str,
    /// Human explanation.
    pub error_description: String,
}

fn oauth_error(status: u16, error: &'static str, description: impl Into<String>) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CACHE_CONTROL, "no-store"));
    if status == actix_web::http::StatusCode::UNAUTHORIZED {
        builder.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"kefu\""));
    }
    builder.json(OAuthError {
        error,
        error_description: description.into(),
    })
}

fn invalid_grant() -> HttpResponse {
    oauth_error(400, "invalid_grant", "invalid credentials")
}

fn server_error(err: impl std::fmt::Debug) -> HttpResponse {
    tracing::error!(error = ?err, "token endpoint failed");
    oauth_error(500, "server_error", "an unexpected error occurred")
}

fn ok(response: TokenResponse) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(response)
}

/// Whether any name or value of the form holds U+0000.
fn form_holds_nul(body: &[u8]) -> bool {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .map(|pairs| {
            pairs.iter().any(|(name, value)| {
                kefu_platform::validation::contains_nul(name)
                    || kefu_platform::validation::contains_nul(value)
            })
        })
        .unwrap_or(false)
}

/// Issues tokens.
#[utoipa::path(
    tag = "auth",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded",
        example = json!({"grant_type": "password", "username": "li.wei@acme.example", "password": "a long and unusual passphrase", "tenant": "acme"})),
    responses(
        (status = 200, description = "Tokens issued", body = TokenResponse),
        (status = 400, description = "RFC 6749 error (invalid_request, invalid_grant, unsupported_grant_type, invalid_scope)", body = OAuthError),
        (status = 401, description = "Client authentication failed (invalid_client)", body = OAuthError),
    ),
    security(())
)]
#[post("/oauth/token")]
pub async fn token(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let form: TokenForm = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(_) => {
            return oauth_error(
                400,
                "invalid_request",
                "the body must be application/x-www-form-urlencoded",
            )
        }
    };
    // PostgreSQL cannot store or compare text holding U+0000; no credential needs it.
    if form_holds_nul(&body) {
        return oauth_error(
            400,
            "invalid_request",
            "form fields must not contain NUL characters",
        );
    }
    if let Some((name, max)) = form.overlong() {
        return oauth_error(
            400,
            "invalid_request",
            format!("{name} must be at most {max} characters"),
        );
    }
    let result = match form.grant_type.as_deref().map(GrantType::parse) {
        Some(Some(GrantType::Password)) => password_grant(&state, &req, &form).await,
        Some(Some(GrantType::RefreshToken)) => refresh_grant(&state, &form).await,
        Some(Some(GrantType::ClientCredentials)) => {
            client_credentials_grant(&state, &req, &form).await
        }
        Some(None) => Ok(oauth_error(
            400,
            "unsupported_grant_type",
            "use password, refresh_token or client_credentials",
        )),
        None => Ok(oauth_error(
            400,
            "invalid_request",
            "grant_type is required",
        )),
    };
    result.unwrap_or_else(server_error)
}

/// A required form field, or the RFC 6749 `invalid_request` answer naming it.
fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, Box<HttpResponse>> {
    value.as_deref().filter(|v| !v.is_empty()).ok_or_else(|| {
        Box::new(oauth_error(
            400,
            "invalid_request",
            format!("{name} is required"),
        ))
    })
}

async fn password_grant(
    state: &AppState,
    req: &HttpRequest,
    form: &TokenForm,
) -> anyhow::Result<HttpResponse> {
    let (username, secret) = match (
        required(&form.username, "username"),
        required(&form.password, "password"),
    ) {
        (Ok(u), Ok(p)) => (u, p),
        (Err(e), _) | (_, Err(e)) => return Ok(*e),
    };
    let ip = super::client_ip(req);
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    match form.tenant.as_deref().filter(|t| !t.is_empty()) {
        None => operator_login(state, username, secret, ip, user_agent).await,
        Some(slug) => {
            let Some(tenant) = tenants::find_by_slug(&state.db, slug).await? else {
                super::verify_password(secret.to_string(), None).await;
                return Ok(invalid_grant());
            };
            user_login(state, tenant, username, secret, ip, user_agent).await
        }
    }
}

async fn user_login(
    state: &AppState,
    tenant: tenant::Model,
    email: &str,
    secret: &str,
    ip: Option<String>,
    user_agent: Option<String>,
) -> anyhow::Result<HttpResponse> {
    let scope = TenantScope::by_credential(tenant.id, "password log-in");
    let store = users::UserStore::new(&state.db, scope.tenant());
    let Some(found) = store.find_by_email(email).await? else {
        super::verify_password(secret.to_string(), None).await;
        audit::record(
            &state.db,
            audit::AuditRecord {
                tenant_id: Some(tenant.id),
                action: "login.failed",
                ip,
                details: serde_json::json!({"reason": "unknown_user"}),
                ..Default::default()
            },
        )
        .await?;
        return Ok(invalid_grant());
    };
    let now = Utc::now();
    let counters = Counters {
        failures: found.failed_logins,
        window_start: found.failed_window_start,
        locked_until: found.locked_until,
    };
    if state.settings.lockout.locked_for(&counters, now).is_some() {
        // Same work and same answer as a wrong password: a lock tells nothing about the account.
        super::verify_password(secret.to_string(), None).await;
        return Ok(invalid_grant());
    }
    if !super::verify_password(secret.to_string(), found.password_hash.clone()).await {
        let locked_now =
            login_counters::user_failed(&state.db, &state.settings.lockout, found.id, now).await?;
        audit::record(
            &state.db,
            audit::AuditRecord {
                tenant_id: Some(tenant.id),
                actor_id: Some(found.id),
                action: if locked_now.is_some() {
                    "login.locked"
                } else {
                    "login.failed"
                },
                target_type: Some("user"),
                target_id: Some(found.id),
                ip,
                details: serde_json::json!({"reason": "bad_password"}),
            },
        )
        .await?;
        return Ok(invalid_grant());
    }
    if found.status != "active" || tenant.status != "active" {
        return Ok(invalid_grant());
    }
    login_counters::user_succeeded(&state.db, found.id, now).await?;
    let expires = now + Duration::from_std(state.settings.refresh_ttl)?;
    let (session, refresh) =
        sessions::start(&state.db, Some(tenant.id), found.id, user_agent, expires).await?;
    let role_keys = decode_list(&found.roles);
    let principal = Principal {
        subject: found.id,
        tenant: Some(tenant.id),
        scopes: roles::scopes_for(&state.db, scope.tenant(), &role_keys).await?,
        roles: role_keys,
        customer: found.customer_id,
        session: Some(session.id),
        plan: Some(tenant.plan.clone()),
    };
    Ok(ok(tokens::respond(state, &principal, Some(refresh)).await?))
}

async fn operator_login(
    state: &AppState,
    email: &str,
    secret: &str,
    ip: Option<String>,
    user_agent: Option<String>,
) -> anyhow::Result<HttpResponse> {
    let found = operators::find_by_email(&state.db, email).await?;
    let Some(found) = found else {
        super::verify_password(secret.to_string(), None).await;
        return Ok(invalid_grant());
    };
    let now = Utc::now();
    let counters = Counters {
        failures: found.failed_logins,
        window_start: found.failed_window_start,
        locked_until: found.locked_until,
    };
    if state.settings.lockout.locked_for(&counters, now).is_some() {
        super::verify_password(secret.to_string(), None).await;
        return Ok(invalid_grant());
    }
    if !super::verify_password(secret.to_string(), Some(found.password_hash.clone())).await {
        let locked_now =
            login_counters::operator_failed(&state.db, &state.settings.lockout, found.id, now)
                .await?;
        audit::record(
            &state.db,
            audit::AuditRecord {
                actor_id: Some(found.id),
                action: if locked_now.is_some() {
                    "operator.login_locked"
                } else {
                    "operator.login_failed"
                },
                ip,
                details: serde_json::json!({}),
                ..Default::default()
            },
        )
        .await?;
        return Ok(invalid_grant());
    }
    login_counters::operator_succeeded(&state.db, found.id, now).await?;
    let expires = now + Duration::from_std(state.settings.refresh_ttl)?;
    let (session, refresh) =
        sessions::start(&state.db, None, found.id, user_agent, expires).await?;
    let principal = Principal {
        subject: found.id,
        tenant: None,
        scopes: vec!["platform:admin".into()],
        roles: vec!["operator".into()],
        customer: None,
        session: Some(session.id),
        plan: None,
    };
    Ok(ok(tokens::respond(state, &principal, Some(refresh)).await?))
}

async fn refresh_grant(state: &AppState, form: &TokenForm) -> anyhow::Result<HttpResponse> {
    let secret = match required(&form.refresh_token, "refresh_token") {
        Ok(s) => s,
        Err(e) => return Ok(*e),
    };
    let Some(presented) = sessions::find_refresh_token(&state.db, secret).await? else {
        return Ok(invalid_grant());
    };
    let Some(session) = sessions::get(&state.db, presented.session_id).await? else {
        return Ok(invalid_grant());
    };
    let now = Utc::now();
    if session.revoked_at.is_some() || session.expires_at <= now || presented.expires_at <= now {
        return Ok(invalid_grant());
    }
    // A used token presented again means it leaked: revoke the whole family.
    if presented.used_at.is_some() || !sessions::mark_used(&state.db, presented.id).await? {
        sessions::revoke(&state.db, session.id, "refresh_token_reuse").await?;
        audit::record(
            &state.db,
            audit::AuditRecord {
                tenant_id: session.tenant_id,
                actor_id: Some(session.subject_id),
                action: "session.reuse_detected",
                target_type: Some("session"),
                target_id: Some(session.id),
                details: serde_json::json!({}),
                ..Default::default()
            },
        )
        .await?;
        return Ok(invalid_grant());
    }
    let principal = match session.tenant_id {
        Some(tenant_id) => {
            let scope = TenantScope::by_credential(tenant_id, "refresh token");
            let tenant = tenants::get(&state.db, scope.tenant()).await?;
            let found = users::UserStore::new(&state.db, scope.tenant())
                .get(UserId::from(session.subject_id))
                .await?;
            let (Some(tenant), Some(found)) = (tenant, found) else {
                return Ok(invalid_grant());
            };
            if tenant.status != "active" || found.status != "active" {
                return Ok(invalid_grant());
            }
            let role_keys = decode_list(&found.roles);
            Principal {
                subject: found.id,
                tenant: Some(tenant.id),
                scopes: roles::scopes_for(&state.db, scope.tenant(), &role_keys).await?,
                roles: role_keys,
                customer: found.customer_id,
                session: Some(session.id),
                plan: Some(tenant.plan.clone()),
            }
        }
        None => Principal {
            subject: session.subject_id,
            tenant: None,
            scopes: vec!["platform:admin".into()],
            roles: vec!["operator".into()],
            customer: None,
            session: Some(session.id),
            plan: None,
        },
    };
    let refresh = sessions::issue_refresh_token(&state.db, session.id, session.expires_at).await?;
    sessions::touch(&state.db, session.id).await?;
    Ok(ok(tokens::respond(state, &principal, Some(refresh)).await?))
}

/// The client id and secret from HTTP Basic, else from the form.
fn client_credentials(req: &HttpRequest, form: &TokenForm) -> Option<(String, String)> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(id, secret)| (id.to_string(), secret.to_string()))
        });
    basic.or_else(|| Some((form.client_id.clone()?, form.client_secret.clone()?)))
}

async fn client_credentials_grant(
    state: &AppState,
    req: &HttpRequest,
    form: &TokenForm,
) -> anyhow::Result<HttpResponse> {
    let Some((client_id, secret)) = client_credentials(req, form) else {
        return Ok(oauth_error(
            401,
            "invalid_client",
            "client authentication failed",
        ));
    };
    let client = api_clients::find_by_client_id(&state.db, &client_id).await?;
    let Some(client) = client.filter(|c| {
        c.status == "active"
            && opaque_token::digests_equal(&c.secret_hash, &opaque_token::digest(&secret))
    }) else {
        audit::record(
            &state.db,
            audit::AuditRecord {
                action: "client.auth_failed",
                ip: super::client_ip(req),
                details: serde_json::json!({"client_id": client_id}),
                ..Default::default()
            },
        )
        .await?;
        return Ok(oauth_error(
            401,
            "invalid_client",
            "client authentication failed",
        ));
    };
    let scope = TenantScope::by_credential(client.tenant_id, "client secret");
    let tenant = tenants::get(&state.db, scope.tenant()).await?;
    let Some(tenant) = tenant.filter(|t| t.status == "active") else {
        return Ok(oauth_error(
            400,
            "invalid_grant",
            "the tenant is not active",
        ));
    };
    let allowed = decode_list(&client.scopes);
    let scopes: Vec<String> = match form
        .scope
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => allowed,
        Some(requested) => {
            let requested: Vec<String> = requested
                .split_ascii_whitespace()
                .map(String::from)
                .collect();
            if let Some(bad) = requested.iter().find(|s| !allowed.contains(s)) {
                return Ok(oauth_error(
                    400,
                    "invalid_scope",
                    format!("the client may not request `{bad}`"),
                ));
            }
            requested
        }
    };
    let principal = Principal {
        subject: client.id,
        tenant: Some(client.tenant_id),
        scopes,
        roles: Vec::new(),
        customer: None,
        session: None,
        plan: Some(tenant.plan.clone()),
    };
    Ok(ok(tokens::respond(state, &principal, None).await?))
}

/// The public signing keys (active and recently rotated).
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "JSON Web Key Set", body = Object, example = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": "k0193...", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}))),
    security(())
)]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> Result<HttpResponse, kefu_platform::ApiError> {
    // The database down is a 503 the key set's readers retry, not a 500.
    let set = state
        .keyring
        .jwks()
        .await
        .map_err(kefu_platform::ApiError::from_failure)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(set))
}

/// Registers the token and JWKS routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(token).service(jwks);
}
