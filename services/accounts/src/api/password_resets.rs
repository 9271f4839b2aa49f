//! Password reset (public): a single-use, expiring token sent by email.

use actix_web::{post, web, HttpRequest, HttpResponse};
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::ApiError;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::passwords::{request_reset_mail, reset_password};
use crate::domain::password;
use crate::state::AppState;

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
    request_reset_mail(&state, &body.tenant, &body.email, ip).await?;
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
    let ip = super::client_ip(&req);
    reset_password(&state, &body.token, body.password, ip).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the password-reset routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(request_reset).service(confirm_reset);
}
