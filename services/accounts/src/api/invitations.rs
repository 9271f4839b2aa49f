//! `/api/v1/user-invitations`: invite staff or portal users; accept an invitation (public).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::{AccountsRead, AccountsWrite, CustomersWrite};
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::validation::{Checks, MaxChars, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::users::CreatedUser;
use super::views::UserView;
use crate::app::users::{accept_invitation, create_user, NewUser};
use crate::domain::password;
use crate::state::AppState;
use crate::store::invitations::InvitationStore;

/// An invitation of a staff user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "wang.fang@acme.example", "name": "Wang Fang", "roles": ["engineer"], "team_ids": []}))]
pub struct StaffInvitationBody {
    /// Email.
    #[schema(max_length = 254)]
    pub email: String,
    /// Full name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// Role keys, 1–20 (default `["agent"]`).
    #[schema(value_type = Option<Vec<MaxChars<40>>>, inline, min_items = 1, max_items = 20)]
    pub roles: Option<Vec<String>>,
    /// Teams to join.
    #[serde(default)]
    pub team_ids: Vec<Uuid>,
}

impl Validate for StaffInvitationBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks
            .email("email", &self.email)
            .length("name", &self.name, 1, 200);
        if let Some(roles) = &self.roles {
            crate::app::roles::check_role_keys(&mut checks, "roles", roles);
            checks.ensure(
                !roles.iter().any(|r| r == "customer"),
                "roles",
                "portal users are invited through /api/v1/user-invitations/portal",
            );
        }
        checks.finish()
    }
}

/// Invites a staff user: the user is created `invited` with a single-use token.
#[utoipa::path(
    tag = "users",
    request_body = StaffInvitationBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    responses((status = 201, description = "User invited; the token is shown once", body = CreatedUser), ErrorResponses),
    security(("bearer" = ["accounts:write"]))
)]
#[post("/api/v1/user-invitations")]
pub async fn invite_staff(
    state: web::Data<AppState>,
    auth: Authz<AccountsWrite>,
    req: HttpRequest,
    body: Json<StaffInvitationBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let new = NewUser {
        email: body.email,
        name: body.name,
        phone: None,
        roles: body.roles.unwrap_or_else(|| vec!["agent".into()]),
        team_ids: body.team_ids,
        password_hash: None,
        customer_id: None,
        contact_id: None,
    };
    let created = create_user(&state, &auth.ctx, new, super::client_ip(&req)).await?;
    Ok(super::created_user(&CreatedUser::from(created)))
}

/// An invitation of a customer's contact to the portal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "buyer@client.example", "name": "Chen Jie", "customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01"}))]
pub struct PortalInvitationBody {
    /// Email.
    #[schema(max_length = 254)]
    pub email: String,
    /// Full name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// The customer (customers service) the portal user belongs to.
    pub customer_id: Uuid,
    /// The contact of that customer, if known.
    pub contact_id: Option<Uuid>,
}

impl Validate for PortalInvitationBody {
    fn validate(&self) -> Result<(), ApiError> {
        Checks::new()
            .email("email", &self.email)
            .length("name", &self.name, 1, 200)
            .finish()
    }
}

/// Invites a customer's contact as a portal user (role `customer`, not counted in the plan).
#[utoipa::path(
    tag = "users",
    request_body = PortalInvitationBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    responses((status = 201, description = "Portal user invited; the token is emailed to them, never returned", body = CreatedUser), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[post("/api/v1/user-invitations/portal")]
pub async fn invite_portal_user(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    req: HttpRequest,
    body: Json<PortalInvitationBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let new = NewUser {
        email: body.email,
        name: body.name,
        phone: None,
        roles: vec!["customer".into()],
        team_ids: Vec::new(),
        password_hash: None,
        customer_id: Some(body.customer_id),
        contact_id: body.contact_id,
    };
    let created = create_user(&state, &auth.ctx, new, super::client_ip(&req)).await?;
    // The token goes to the customer by email only: handing it to the inviting agent
    // would let staff log in as any customer.
    let mut created = created;
    created.invitation = None;
    Ok(super::created_user(&CreatedUser::from(created)))
}

/// A pending invitation (never its token).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a0c5-408d-795e-832c-78a7658cda14",
    "user_id": "0193a0c5-1a9e-7953-83f5-8c3cf29d0da9",
    "expires_at": "2026-11-27T07:40:00Z",
    "created_at": "2026-11-20T07:40:00Z"
}))]
pub struct InvitationView {
    /// Invitation id.
    pub id: Uuid,
    /// The invited user.
    pub user_id: Uuid,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
}

/// A page of invitations.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": "0193a0c5-408d-795e-832c-78a7658cda14",
            "user_id": "0193a0c5-1a9e-7953-83f5-8c3cf29d0da9",
            "expires_at": "2026-11-27T07:40:00Z",
            "created_at": "2026-11-20T07:40:00Z"
        }
    ],
    "next_cursor": null
}))]
pub struct InvitationPage {
    /// Pending invitations.
    pub items: Vec<InvitationView>,
    /// Cursor of the next page, or null.
    pub next_cursor: Option<String>,
}

/// Lists pending (not accepted, not expired) invitations.
#[utoipa::path(
    tag = "users",
    params(PageQuery),
    responses((status = 200, description = "Pending invitations", body = InvitationPage), ErrorResponses),
    security(("bearer" = ["accounts:read"]))
)]
#[get("/api/v1/user-invitations")]
pub async fn list_pending(
    state: web::Data<AppState>,
    auth: Authz<AccountsRead>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.parse()?;
    let rows = InvitationStore::new(&state.db, auth.tenant_id)
        .pending(page, Utc::now())
        .await?;
    let page = Page::from_rows(rows, page, |i| i.id).map(|i| InvitationView {
        id: i.id,
        user_id: i.user_id,
        expires_at: i.expires_at,
        created_at: i.created_at,
    });
    Ok(HttpResponse::Ok().json(InvitationPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Accepting an invitation: the token from the invitation and a password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "ki_9yq...", "password": "a long and unusual passphrase"}))]
pub struct AcceptBody {
    /// The invitation token.
    #[schema(max_length = 200)]
    pub token: String,
    /// The password to set (10–256 characters, not common).
    #[schema(max_length = 256)]
    pub password: String,
    /// Optionally, a corrected name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: Option<String>,
}

impl Validate for AcceptBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("token", &self.token, 1, 200);
        checks.length_opt("name", self.name.as_deref(), 1, 200);
        if let Err(rule) = password::check_policy(&self.password, "") {
            checks.fail("password", rule);
        }
        checks.finish()
    }
}

/// Accepts an invitation (public): sets the password and activates the user. Single use.
#[utoipa::path(
    tag = "users",
    request_body = AcceptBody,
    responses((status = 200, description = "User activated; log in with the password grant", body = UserView), ErrorResponses),
    security(())
)]
#[post("/api/v1/user-invitations/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<AcceptBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ip = super::client_ip(&req);
    let (user, team_ids) =
        accept_invitation(&state, &body.token, body.password, body.name, ip).await?;
    Ok(HttpResponse::Ok().json(UserView::new(user, team_ids)))
}

/// Registers the invitation routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(invite_staff)
        .service(invite_portal_user)
        .service(list_pending)
        .service(accept);
}
