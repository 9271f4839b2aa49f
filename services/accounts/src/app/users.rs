//! Users' own use cases: creating a user (with a password, or invited; staff or portal)
//! and issuing invitations.

use chrono::{DateTime, Duration, Utc};
use kefu_events::catalogue::accounts::UserCreated;
use kefu_platform::auth::TenantContext;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::UserId;
use kefu_platform::validation::{Checks, MaxChars, Validate};
use kefu_platform::ApiError;
use kefu_platform::{TenantId, TenantScope};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::announce::{emit, emit_user_change, user_data};
use crate::domain::plans::Plan;
use crate::domain::{opaque_token, password};
use crate::error_codes;
use crate::state::AppState;
use crate::store::entities::user;
use crate::store::{audit, decode_list, encode_list, invitations, roles, teams, tenants, users};

/// An invitation to accept, returned once when a user is invited.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"token": "ki_YtEeiH6wdm0Yd_jG7_JrUBCvMXfRYeeVh6dm7DDkA3Q", "expires_at": "2026-11-09T02:15:00Z"}))]
pub struct InvitationIssued {
    /// Single-use token for `POST /api/v1/user-invitations/accept`.
    pub token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// What `create_user` needs besides the body.
pub struct NewUser {
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Role keys.
    pub roles: Vec<String>,
    /// Teams.
    pub team_ids: Vec<Uuid>,
    /// Argon2 hash when a password was given.
    pub password_hash: Option<String>,
    /// Customer of a portal user.
    pub customer_id: Option<Uuid>,
    /// Contact of a portal user.
    pub contact_id: Option<Uuid>,
}

/// A created user with its teams, and the invitation when one was issued.
pub struct Created {
    /// The user.
    pub user: user::Model,
    /// Its teams.
    pub team_ids: Vec<Uuid>,
    /// Present when the user was invited (no password given).
    pub invitation: Option<InvitationIssued>,
}

/// Creates a user in one transaction: checks, quota, insert, teams, invitation, audit.
pub async fn create_user(
    state: &AppState,
    ctx: &TenantContext,
    new: NewUser,
    ip: Option<String>,
) -> Result<Created, ApiError> {
    let ctx = ctx.clone();
    let invitation_ttl =
        Duration::from_std(state.settings.invitation_ttl).map_err(ApiError::internal)?;
    let issuer = state.settings.issuer.clone();
    let created = state
        .db
        .transaction::<_, Created, ApiError>(|txn| {
            Box::pin(async move {
                check_roles_grantable(txn, &ctx, &new.roles).await?;
                let team_ids = unique(&new.team_ids);
                check_teams(txn, &ctx, &team_ids).await?;
                let store = users::UserStore::new(txn, ctx.tenant_id);
                if store.find_by_email(&new.email).await?.is_some() {
                    return Err(ApiError::conflict(
                        error_codes::EMAIL_TAKEN,
                        "a user with this email exists in the tenant",
                    ));
                }
                if new.customer_id.is_none() {
                    ensure_room_for_staff(txn, &ctx).await?;
                }
                let now = Utc::now();
                let invited = new.password_hash.is_none();
                let created = store
                    .insert(user::Model {
                        id: Uuid::now_v7(),
                        tenant_id: ctx.tenant_id.uuid(),
                        email: new.email.trim().to_string(),
                        email_normalized: users::normalize_email(&new.email),
                        name: new.name.trim().to_string(),
                        phone: new.phone,
                        password_hash: new.password_hash,
                        status: if invited { "invited" } else { "active" }.into(),
                        roles: encode_list(&new.roles),
                        customer_id: new.customer_id,
                        contact_id: new.contact_id,
                        failed_logins: 0,
                        failed_window_start: None,
                        locked_until: None,
                        last_login_at: None,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    })
                    .await
                    .map_err(|e| {
                        ApiError::taken_or(
                            e,
                            (
                                error_codes::EMAIL_TAKEN,
                                "a user with this email exists in the tenant",
                            ),
                        )
                    })?;
                store.set_teams(created.id, &team_ids).await?;
                let invitation = if invited {
                    let issued =
                        issue_invitation(txn, ctx.tenant_id, &created, now + invitation_ttl)
                            .await?;
                    kefu_platform::mail::queue(txn, invitation_email(&created, &issued, &issuer))
                        .await?;
                    Some(issued)
                } else {
                    None
                };
                audit::record(
                    txn,
                    audit::AuditRecord {
                        tenant_id: Some(ctx.tenant_id.uuid()),
                        actor_id: Some(ctx.actor),
                        action: "user.created",
                        target_type: Some("user"),
                        target_id: Some(created.id),
                        ip,
                        details: serde_json::json!({"roles": new.roles, "invited": invited}),
                    },
                )
                .await?;
                let team_ids = store.team_ids(created.id).await?;
                let data = user_data(&created, team_ids.clone());
                emit(
                    txn,
                    ctx.tenant_id.uuid(),
                    Some(ctx.actor),
                    UserCreated(data),
                )
                .await?;
                Ok(Created {
                    user: created,
                    team_ids,
                    invitation,
                })
            })
        })
        .await
        .map_err(ApiError::from)?;
    state.outbox.committed();
    if created.invitation.is_some() {
        state.mailer.wake();
    }
    Ok(created)
}

/// The invitation email with its single-use token.
fn invitation_email(
    user: &user::Model,
    issued: &InvitationIssued,
    issuer: &str,
) -> kefu_platform::mail::Email {
    kefu_platform::mail::Email {
        to: user.email.clone(),
        subject: "You are invited to Kefu".into(),
        text: format!(
            "Hello {},\n\nYou have been invited to a Kefu service centre. To accept, choose a \
             password and send it with this token to\nPOST {issuer}/api/v1/user-invitations/accept \
             before {}:\n\n{}\n",
            user.name,
            issued.expires_at.to_rfc3339(),
            issued.token
        ),
    }
}

/// Stores a new invitation for `user` and returns its token (shown once).
pub async fn issue_invitation(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    user: &user::Model,
    expires_at: DateTime<Utc>,
) -> Result<InvitationIssued, ApiError> {
    let token = opaque_token::generate("ki_");
    crate::store::invitations::InvitationStore::new(txn, tenant)
        .insert(crate::store::invitations::new_row(
            user.tenant_id,
            user.id,
            opaque_token::digest(&token),
            expires_at,
        ))
        .await?;
    Ok(InvitationIssued { token, expires_at })
}

/// Role keys must exist, and nobody grants scopes they do not hold themselves.
pub async fn check_roles_grantable(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    keys: &[String],
) -> Result<(), ApiError> {
    let unknown = roles::unknown_keys(txn, ctx.tenant_id, keys).await?;
    if let Some(first) = unknown.first() {
        return Err(ApiError::field(
            "roles",
            format!("`{first}` is not a role of this tenant"),
        ));
    }
    let granted = roles::scopes_for(txn, ctx.tenant_id, keys).await?;
    if let Some(scope) = granted
        .iter()
        .find(|s| !ctx.has_scope(s) && s.as_str() != "portal")
    {
        return Err(ApiError::Forbidden(scope.clone()));
    }
    Ok(())
}

/// The caller must hold every scope of `role_keys` (portal aside) to change their holder.
pub async fn ensure_outranks(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    role_keys: &[String],
) -> Result<(), ApiError> {
    let held = roles::scopes_for(txn, ctx.tenant_id, role_keys).await?;
    match held
        .iter()
        .find(|s| s.as_str() != "portal" && !ctx.has_scope(s))
    {
        Some(missing) => Err(ApiError::Forbidden(missing.clone())),
        None => Ok(()),
    }
}

/// Ids in order of first appearance, without repeats.
pub fn unique(ids: &[Uuid]) -> Vec<Uuid> {
    let mut seen = std::collections::HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// Every id must be a team of the tenant; the first that is not is named by its index.
pub async fn check_teams(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    ids: &[Uuid],
) -> Result<(), ApiError> {
    let unknown = teams::unknown_ids(txn, ctx.tenant_id, ids).await?;
    if let Some(first) = unknown.first() {
        let index = ids.iter().position(|id| id == first).unwrap_or(0);
        return Err(ApiError::field(
            format!("team_ids[{index}]"),
            "is not a team of this tenant",
        ));
    }
    Ok(())
}

/// Accepts an invitation by its token: sets the password and activates the user. Single use.
pub async fn accept_invitation(
    state: &AppState,
    token: &str,
    password: String,
    name: Option<String>,
    ip: Option<String>,
) -> Result<(user::Model, Vec<Uuid>), ApiError> {
    let digest = opaque_token::digest(token);
    // Check the token before paying for argon2: a public route must not hash for strangers.
    let pending = invitations::by_token_digest(&state.db, &digest)
        .await?
        .is_some_and(|i| i.accepted_at.is_none() && i.expires_at > Utc::now());
    if !pending {
        return Err(ApiError::NotFound);
    }
    let hash = super::passwords::hash_password(password.clone()).await?;
    let accepted = state
        .db
        .transaction::<_, _, ApiError>(|txn| {
            Box::pin(async move {
                let found = invitations::by_token_digest(txn, &digest)
                    .await?
                    .filter(|i| i.accepted_at.is_none() && i.expires_at > Utc::now())
                    .ok_or(ApiError::NotFound)?;
                let store = users::UserStore::new(
                    txn,
                    TenantScope::by_credential(found.tenant_id, "invitation token").tenant(),
                );
                let mut user = store
                    .get(UserId::from(found.user_id))
                    .await?
                    .ok_or(ApiError::NotFound)?;
                if user.status != "invited" {
                    return Err(ApiError::NotFound);
                }
                let before = user_data(&user, store.team_ids(user.id).await?);
                if let Err(rule) = password::check_policy(&password, &user.email) {
                    return Err(ApiError::field("password", rule));
                }
                user.password_hash = Some(hash);
                user.status = "active".into();
                if let Some(name) = name {
                    user.name = name.trim().to_string();
                }
                let saved = store.save(user, &IfMatch::Absent).await?;
                invitations::mark_accepted(txn, &found, Utc::now()).await?;
                audit::record(
                    txn,
                    audit::AuditRecord {
                        tenant_id: Some(saved.tenant_id),
                        actor_id: Some(saved.id),
                        action: "invitation.accepted",
                        target_type: Some("user"),
                        target_id: Some(saved.id),
                        ip,
                        details: serde_json::json!({}),
                    },
                )
                .await?;
                let team_ids = store.team_ids(saved.id).await?;
                let after = user_data(&saved, team_ids.clone());
                emit_user_change(txn, saved.tenant_id, Some(saved.id), &before, after).await?;
                Ok((saved, team_ids))
            })
        })
        .await?;
    state.outbox.committed();
    Ok(accepted)
}

/// A status an administrator can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SettableStatus {
    /// Can log in again.
    Active,
    /// Cannot log in; live sessions are revoked.
    Disabled,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"roles": ["agent", "engineer"], "status": "active"}))]
pub struct UserPatch {
    /// Full name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// Phone number (3–40 characters).
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    /// Role keys, 1–20 (replaces the list).
    #[schema(value_type = Option<Vec<MaxChars<40>>>, inline, min_items = 1, max_items = 20)]
    pub roles: Option<Vec<String>>,
    /// Teams (replaces the list).
    pub team_ids: Option<Vec<Uuid>>,
    /// `active` or `disabled`.
    pub status: Option<SettableStatus>,
}

impl Validate for UserPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length_opt("name", self.name.as_deref(), 1, 200);
        checks.length_opt("phone", self.phone.as_deref(), 3, 40);
        if let Some(roles) = &self.roles {
            crate::app::roles::check_role_keys(&mut checks, "roles", roles);
        }
        checks.finish()
    }
}

/// Changes a user's name, phone, roles, teams or status in one transaction. The caller
/// must outrank the user to change roles or status; the tenant keeps an active owner.
pub async fn update_user(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    id: UserId,
    if_match: &IfMatch,
    patch: UserPatch,
    ip: Option<String>,
) -> Result<(user::Model, Vec<Uuid>), ApiError> {
    let store = users::UserStore::new(txn, ctx.tenant_id);
    let mut found = store.get(id).await?.ok_or(ApiError::NotFound)?;
    let before = user_data(&found, store.team_ids(found.id).await?);
    let old_roles = decode_list(&found.roles);
    if let Some(name) = patch.name {
        found.name = name.trim().to_string();
    }
    if let Some(phone) = patch.phone {
        found.phone = Some(phone).filter(|p| !p.is_empty());
    }
    if patch.roles.is_some() || patch.status.is_some() {
        // Changing someone's roles or status needs every scope they hold now.
        ensure_outranks(txn, ctx, &old_roles).await?;
    }
    if let Some(new_roles) = &patch.roles {
        if found.customer_id.is_some() || new_roles.iter().any(|r| r == "customer") {
            return Err(ApiError::field(
                "roles",
                "portal users keep exactly the `customer` role",
            ));
        }
        check_roles_grantable(txn, ctx, new_roles).await?;
        found.roles = encode_list(new_roles);
    }
    let mut disabled = false;
    if let Some(status) = patch.status {
        if status == SettableStatus::Disabled && found.id == ctx.actor {
            return Err(ApiError::conflict(
                error_codes::CANNOT_DISABLE_SELF,
                "you cannot disable your own account",
            ));
        }
        match (status, found.status.as_str()) {
            (SettableStatus::Disabled, s) if s != "disabled" => {
                found.status = "disabled".into();
                disabled = true;
            }
            (SettableStatus::Active, "disabled") => {
                // A disabled user does not count toward the plan; coming back does.
                if found.customer_id.is_none() {
                    ensure_room_for_staff(txn, ctx).await?;
                }
                found.status = if found.password_hash.is_some() {
                    "active"
                } else {
                    "invited"
                }
                .into();
            }
            _ => {}
        }
    }
    let roles_changed = decode_list(&found.roles) != old_roles;
    if (roles_changed || disabled) && old_roles.iter().any(|r| r == "owner") {
        let still_owner = decode_list(&found.roles).iter().any(|r| r == "owner") && !disabled;
        if !still_owner && active_owners(txn, ctx).await? <= 1 {
            return Err(ApiError::conflict(
                error_codes::LAST_OWNER,
                "the tenant must keep at least one active owner",
            ));
        }
    }
    if let Some(team_ids) = &patch.team_ids {
        if found.customer_id.is_some() && !team_ids.is_empty() {
            return Err(ApiError::field(
                "team_ids",
                "portal users do not join teams",
            ));
        }
        let team_ids = unique(team_ids);
        check_teams(txn, ctx, &team_ids).await?;
        store.set_teams(found.id, &team_ids).await?;
    }
    let saved = store.save(found, if_match).await?;
    if disabled {
        store.revoke_sessions(saved.id, "user_disabled").await?;
    }
    let action = if disabled {
        Some("user.disabled")
    } else if roles_changed {
        Some("user.roles_changed")
    } else {
        None
    };
    if let Some(action) = action {
        audit::record(txn, audit::AuditRecord {
            tenant_id: Some(ctx.tenant_id.uuid()), actor_id: Some(ctx.actor), action,
            target_type: Some("user"), target_id: Some(saved.id), ip,
            details: serde_json::json!({"old_roles": old_roles, "roles": decode_list(&saved.roles)}),
        }).await?;
    }
    let team_ids = store.team_ids(saved.id).await?;
    let after = user_data(&saved, team_ids.clone());
    emit_user_change(txn, ctx.tenant_id.uuid(), Some(ctx.actor), &before, after).await?;
    Ok((saved, team_ids))
}

/// How many active owners the tenant has (up to 1000: one more than one is all it asks).
async fn active_owners(txn: &DatabaseTransaction, ctx: &TenantContext) -> Result<usize, ApiError> {
    let page = kefu_platform::pagination::PageRequest {
        limit: 1000,
        after: None,
    };
    let filter = users::UserFilter {
        status: Some("active".into()),
        role: Some("owner".into()),
        ..Default::default()
    };
    Ok(users::UserStore::new(txn, ctx.tenant_id)
        .list(&filter, page)
        .await?
        .len())
}

/// 403 `quota_exceeded` unless the tenant's plan allows one more staff user (active or
/// invited) than it has.
async fn ensure_room_for_staff(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
) -> Result<(), ApiError> {
    let tenant = tenants::get(txn, ctx.tenant_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let plan = Plan::parse(&tenant.plan).unwrap_or(Plan::Free);
    let staff = users::UserStore::new(txn, ctx.tenant_id)
        .count_staff()
        .await?;
    if plan.allows_another_user(staff) {
        Ok(())
    } else {
        Err(ApiError::QuotaExceeded {
            detail: format!(
                "the {} plan allows {:?} staff users",
                plan.as_str(),
                plan.quotas().max_users
            ),
        })
    }
}
