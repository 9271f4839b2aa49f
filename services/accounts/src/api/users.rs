//! `/api/v1/users`: list, create (with a password, or invited), read, update, disable.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use kefu_platform::auth::scopes::{AccountsRead, AccountsWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::ErrorResponses;
use kefu_platform::ids::UserId;
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::validation::{Checks, MaxChars, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::{UserPage, UserView};
pub use crate::app::users::InvitationIssued;
use crate::app::users::{create_user, update_user, Created, NewUser, UserPatch};
use crate::domain::password;
use crate::state::AppState;
use crate::store::users;

/// A new user. Without `password` the user is invited and must accept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "zhang.min@acme.example", "name": "Zhang Min", "roles": ["agent"], "team_ids": [], "phone": "+86 10 5555 0101"}))]
pub struct NewUserBody {
    /// Email, unique in the tenant.
    #[schema(max_length = 254)]
    pub email: String,
    /// Full name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// Phone number (3–40 characters).
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    /// Role keys, 1–20 (default `["agent"]`).
    #[serde(default)]
    #[schema(value_type = Option<Vec<MaxChars<40>>>, inline, min_items = 1, max_items = 20)]
    pub roles: Option<Vec<String>>,
    /// Teams to join.
    #[serde(default)]
    pub team_ids: Vec<Uuid>,
    /// Initial password (10–256 characters, not common); omit to send an invitation instead.
    #[schema(max_length = 256)]
    pub password: Option<String>,
}

impl Validate for NewUserBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks
            .email("email", &self.email)
            .length("name", &self.name, 1, 200);
        checks.length_opt("phone", self.phone.as_deref(), 3, 40);
        if let Some(roles) = &self.roles {
            checks.ensure(!roles.is_empty(), "roles", "must name at least one role");
            checks.ensure(roles.len() <= 20, "roles", "must name at most 20 roles");
            crate::app::roles::check_role_key_lengths(&mut checks, "roles", roles);
        }
        checks.ensure(
            self.team_ids.len() <= 50,
            "team_ids",
            "must name at most 50 teams",
        );
        if let Some(password) = &self.password {
            if let Err(rule) = password::check_policy(password, &self.email) {
                checks.fail("password", rule);
            }
        }
        checks.finish()
    }
}

/// A created user, with the invitation when one was issued.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a0c4-f177-7f28-a85c-2cce39263059",
    "tenant_id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37",
    "email": "zhang.min@acme.example",
    "name": "Zhang Min",
    "phone": "+86 10 5555 0101",
    "status": "invited",
    "roles": ["agent"],
    "team_ids": [],
    "customer_id": null,
    "last_login_at": null,
    "version": 1,
    "created_at": "2026-11-02T02:15:00Z",
    "updated_at": "2026-11-02T02:15:00Z",
    "invitation": {
        "token": "ki_YtEeiH6wdm0Yd_jG7_JrUBCvMXfRYeeVh6dm7DDkA3Q",
        "expires_at": "2026-11-09T02:15:00Z"
    }
}))]
pub struct CreatedUser {
    /// The user.
    #[serde(flatten)]
    pub user: UserView,
    /// Present when the user was invited (no password given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation: Option<InvitationIssued>,
}

impl From<Created> for CreatedUser {
    fn from(created: Created) -> Self {
        CreatedUser {
            user: UserView::new(created.user, created.team_ids),
            invitation: created.invitation,
        }
    }
}

/// Creates a user; with `password` the user is active, otherwise invited.
#[utoipa::path(
    tag = "users",
    request_body = NewUserBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    responses((status = 201, description = "User created", body = CreatedUser), ErrorResponses),
    security(("bearer" = ["accounts:write"]))
)]
#[post("/api/v1/users")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Authz<AccountsWrite>,
    req: HttpRequest,
    body: Json<NewUserBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let roles = body.roles.unwrap_or_else(|| vec!["agent".into()]);
    if roles.iter().any(|r| r == "customer") {
        return Err(ApiError::field(
            "roles",
            "portal users are invited through /api/v1/user-invitations/portal",
        ));
    }
    let password_hash = match &body.password {
        Some(p) => Some(super::hash_password(p.clone()).await?),
        None => None,
    };
    let created = create_user(
        &state,
        &auth.ctx,
        NewUser {
            email: body.email,
            name: body.name,
            phone: body.phone,
            roles,
            team_ids: body.team_ids,
            password_hash,
            customer_id: None,
            contact_id: None,
        },
        super::client_ip(&req),
    )
    .await?;
    Ok(super::created_user(&CreatedUser::from(created)))
}

/// Filters of the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// Only users with this status.
    pub status: Option<UserStatusFilter>,
    /// Only users holding this role key.
    #[param(max_length = 40)]
    pub role: Option<String>,
    /// Only the user with this email.
    #[param(max_length = 254)]
    pub email: Option<String>,
    /// Only members of this team.
    pub team_id: Option<Uuid>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// User statuses, for filtering.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserStatusFilter {
    /// Invited, not yet accepted.
    Invited,
    /// Active.
    Active,
    /// Disabled.
    Disabled,
}

/// Lists the tenant's users.
#[utoipa::path(
    tag = "users",
    params(UserListQuery),
    responses((status = 200, description = "A page of users", body = UserPage), ErrorResponses),
    security(("bearer" = ["accounts:read"]))
)]
#[get("/api/v1/users")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authz<AccountsRead>,
    query: Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    Checks::new()
        .length_opt(
            "role",
            query.role.as_deref(),
            0,
            crate::app::roles::MAX_ROLE_KEY_LEN,
        )
        .length_opt("email", query.email.as_deref(), 0, 254)
        .finish()?;
    let filter = users::UserFilter {
        status: query.status.map(|s| match s {
            UserStatusFilter::Invited => "invited".to_string(),
            UserStatusFilter::Active => "active".to_string(),
            UserStatusFilter::Disabled => "disabled".to_string(),
        }),
        role: query.role,
        email: query.email,
        team_id: query.team_id,
    };
    let store = users::UserStore::new(&state.db, auth.tenant_id);
    let rows = store.list(&filter, page).await?;
    let page = Page::from_rows(rows, page, |u| u.id);
    let ids: Vec<Uuid> = page.items.iter().map(|u| u.id).collect();
    let mut teams = store.team_ids_of(&ids).await?;
    let items: Vec<UserView> = page
        .items
        .into_iter()
        .map(|u| {
            let team_ids = teams.remove(&u.id).unwrap_or_default();
            UserView::new(u, team_ids)
        })
        .collect();
    Ok(HttpResponse::Ok().json(UserPage {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One user of the tenant.
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, description = "The user", body = UserView), ErrorResponses),
    security(("bearer" = ["accounts:read"]))
)]
#[get("/api/v1/users/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Authz<AccountsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = users::UserStore::new(&state.db, auth.tenant_id);
    let found = store
        .get(UserId::from(*id))
        .await?
        .ok_or(ApiError::NotFound)?;
    let team_ids = store.team_ids(found.id).await?;
    Ok(super::with_etag(
        found.version,
        &UserView::new(found, team_ids),
    ))
}

/// Updates a user: name, phone, roles, teams, status (`If-Match` guards against lost updates).
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "User id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = UserPatch,
    responses((status = 200, description = "Updated user", body = UserView), ErrorResponses),
    security(("bearer" = ["accounts:write"]))
)]
#[patch("/api/v1/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Authz<AccountsWrite>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    req: HttpRequest,
    body: Json<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    let (saved, team_ids) = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move {
                update_user(
                    txn,
                    &auth.ctx,
                    UserId::from(*id),
                    &if_match,
                    body.into_inner(),
                    ip,
                )
                .await
            })
        })
        .await?;
    let view = UserView::new(saved, team_ids);
    Ok(super::with_etag(view.version, &view))
}

/// Registers the user routes (after `/users/me…`, which must win over `/users/{id}`).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update);
}
