//! The `Authz<S>` extractor: a verified token of a tenant that holds scope `S`.

use std::marker::PhantomData;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use async_trait::async_trait;
use futures_util::future::LocalBoxFuture;
use uuid::Uuid;

use super::claims::Claims;
use super::scopes::RequiredScope;
use super::verifier::TokenVerifier;
use crate::error::ApiError;
use crate::ids::{TenantId, UserId};

/// Extra checks on a verified token: suspended tenant, disabled user, revoked session.
#[async_trait]
pub trait PrincipalGuard: Send + Sync {
    /// `Err(ApiError::Unauthenticated)` when the principal may no longer act.
    async fn check(&self, claims: &Claims) -> Result<(), ApiError>;
}

/// What the extractor needs, registered once per app as `web::Data<AuthState>`.
#[derive(Clone)]
pub struct AuthState {
    /// Verifies signatures and standard claims.
    pub verifier: TokenVerifier,
    /// Optional status check of the principal.
    pub guard: Option<Arc<dyn PrincipalGuard>>,
}

/// Who is acting, for which tenant, with which scopes.
#[derive(Debug, Clone)]
pub struct TenantContext {
    /// The tenant, from the token only.
    pub tenant_id: TenantId,
    /// The user or API client id.
    pub actor: Uuid,
    /// Whether the actor is a user (else an API client).
    pub is_user: bool,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Role keys (users only).
    pub roles: Vec<String>,
    /// The portal user's customer.
    pub customer_id: Option<Uuid>,
    /// The refresh-token family (session) of a user token.
    pub session_id: Option<Uuid>,
}

impl TenantContext {
    /// Whether the context holds `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// The tenant this request acts for, as a scope for stores and use cases.
    pub fn scope(&self) -> crate::tenancy::TenantScope {
        crate::tenancy::TenantScope::of_request(self.tenant_id)
    }

    /// The acting user, if the actor is one.
    pub fn user_id(&self) -> Option<UserId> {
        self.is_user.then_some(UserId(self.actor))
    }
}

/// A verified token of a tenant holding scope `S`; handlers name `S` in their signature.
#[derive(Debug, Clone)]
pub struct Authz<S: RequiredScope> {
    /// The tenant context of the request.
    pub ctx: TenantContext,
    _scope: PhantomData<S>,
}

impl<S: RequiredScope> std::ops::Deref for Authz<S> {
    type Target = TenantContext;
    fn deref(&self) -> &TenantContext {
        &self.ctx
    }
}

/// A verified platform-operator token (`platform:admin`, no tenant).
#[derive(Debug, Clone)]
pub struct Operator {
    /// The operator's id.
    pub operator_id: Uuid,
}

/// The bearer token of a request, if any.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Verifies the request's token once and caches the claims in the request extensions.
async fn verified_claims(req: &HttpRequest) -> Result<Claims, ApiError> {
    if let Some(claims) = req.extensions().get::<Claims>() {
        return Ok(claims.clone());
    }
    let state = req
        .app_data::<web::Data<AuthState>>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("AuthState not registered")))?
        .clone();
    let token = bearer_token(req).ok_or(ApiError::Unauthenticated)?;
    let claims = state.verifier.verify(&token).await.map_err(|e| {
        tracing::info!(reason = %e, "token refused");
        match e {
            super::VerifyError::KeysUnavailable(what) => {
                ApiError::Unavailable(format!("the key set ({what})"))
            }
            _ => ApiError::Unauthenticated,
        }
    })?;
    if let Some(guard) = &state.guard {
        guard.check(&claims).await?;
    }
    req.extensions_mut().insert(claims.clone());
    Ok(claims)
}

impl<S: RequiredScope + 'static> FromRequest for Authz<S> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let claims = verified_claims(&req).await?;
            // Operators carry no tenant and so can never reach tenant data.
            let Some(tid) = claims.tid else {
                return Err(ApiError::Forbidden(if S::SCOPE.is_empty() {
                    "a tenant token".into()
                } else {
                    S::SCOPE.into()
                }));
            };
            if !S::SCOPE.is_empty() && !claims.has_scope(S::SCOPE) {
                return Err(ApiError::Forbidden(S::SCOPE.into()));
            }
            // Row-level security on PostgreSQL: this request's statements act for this tenant.
            crate::rls::enter(tid);
            let span = tracing::Span::current();
            span.record("tenant_id", tracing::field::display(tid));
            span.record("actor_id", tracing::field::display(claims.sub));
            Ok(Authz {
                ctx: TenantContext {
                    tenant_id: TenantId::verified(tid),
                    actor: claims.sub,
                    is_user: !claims.roles.is_empty() || claims.sid.is_some(),
                    scopes: claims
                        .scope
                        .split_ascii_whitespace()
                        .map(String::from)
                        .collect(),
                    roles: claims.roles,
                    customer_id: claims.cid,
                    session_id: claims.sid,
                },
                _scope: PhantomData,
            })
        })
    }
}

impl FromRequest for Operator {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let claims = verified_claims(&req).await?;
            if claims.tid.is_some() || !claims.has_scope("platform:admin") {
                return Err(ApiError::Forbidden("platform:admin".into()));
            }
            Ok(Operator {
                operator_id: claims.sub,
            })
        })
    }
}
