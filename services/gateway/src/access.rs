//! The access check in front of every route: token verification and rate limits.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};
use kefu_platform::auth::bearer_token;
use kefu_platform::error::ApiError;

use crate::client_ip::{client_ip, forwarded_for};
use crate::rate_limit::{Budget, Decision};
use crate::routes::is_public;
use crate::Gateway;

/// Verifies the bearer token of routed, non-public paths and applies the rate limits.
/// Unknown and public paths are limited per client IP; a refused request never reaches
/// an upstream. Errors are answered here (not raised) so CORS headers still get added.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(gateway) = req.app_data::<web::Data<Gateway>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let needs_token =
        gateway.routes.resolve(req.path()).is_some() && !is_public(req.method(), req.path());
    let decision = if needs_token {
        match authenticate(&gateway, &req).await {
            Some(claims) => {
                let span = tracing::Span::current();
                if let Some(tenant) = claims.tid {
                    span.record("tenant_id", tracing::field::display(tenant));
                }
                span.record("actor_id", tracing::field::display(claims.sub));
                Some(
                    gateway
                        .limits
                        .check_token(claims.tid, claims.sub, claims.plan.as_deref()),
                )
            }
            None => {
                // Failed tokens spend the client's IP budget, which slows down guessing.
                let decision = client_decision(&gateway, &req);
                let error = match decision {
                    Some(Decision::Refused { retry_after, .. }) => {
                        ApiError::RateLimited { retry_after }
                    }
                    _ => ApiError::Unauthenticated,
                };
                return Ok(answer(req, &error, decision));
            }
        }
    } else {
        client_decision(&gateway, &req)
    };
    match decision {
        Some(Decision::Refused { retry_after, .. }) => Ok(answer(
            req,
            &ApiError::RateLimited { retry_after },
            decision,
        )),
        Some(Decision::Allowed(budget)) => {
            let mut response = next.call(req).await?.map_into_boxed_body();
            budget.apply(response.headers_mut());
            Ok(response)
        }
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

async fn authenticate(
    gateway: &Gateway,
    req: &ServiceRequest,
) -> Option<kefu_platform::auth::Claims> {
    let token = bearer_token(req.request())?;
    match gateway.verifier.verify(&token).await {
        Ok(claims) => Some(claims),
        Err(error) => {
            tracing::debug!(%error, "token refused");
            None
        }
    }
}

fn client_decision(gateway: &Gateway, req: &ServiceRequest) -> Option<Decision> {
    let forwarded_for = forwarded_for(req.headers());
    let peer = req.peer_addr().map(|addr| addr.ip());
    let ip = client_ip(peer, forwarded_for.as_deref(), &gateway.trusted_proxies)?;
    Some(gateway.limits.check_client(ip))
}

fn answer(
    req: ServiceRequest,
    error: &ApiError,
    decision: Option<Decision>,
) -> ServiceResponse<BoxBody> {
    let mut response = error.error_response();
    let budget: Option<Budget> = match decision {
        Some(Decision::Allowed(budget)) | Some(Decision::Refused { budget, .. }) => Some(budget),
        None => None,
    };
    if let Some(budget) = budget {
        budget.apply(response.headers_mut());
    }
    req.into_response(response)
}
