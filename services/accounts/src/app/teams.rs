//! Teams' use cases: creating, renaming and deleting a tenant's teams and replacing
//! their members, each with its event and audit entry.

use chrono::Utc;
use kefu_events::catalogue::accounts::{TeamCreated, TeamDeleted};
use kefu_platform::auth::TenantContext;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::error::ErrorCode;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, FieldError};
use sea_orm::DatabaseTransaction;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::announce::{emit, emit_team_change, team_data};
use crate::error_codes;
use crate::store::audit;
use crate::store::entities::{team, user};
use crate::store::teams::TeamStore;

/// Most members one team may have in a single replace.
const MAX_MEMBERS: usize = 1000;

/// A new team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "After-sales", "description": "Repairs, returns and field service"}))]
pub struct NewTeamBody {
    /// Name (1–100 characters), unique in the tenant.
    #[schema(max_length = 100)]
    pub name: String,
    /// What the team does (up to 500 characters).
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

impl Validate for NewTeamBody {
    fn validate(&self) -> Result<(), ApiError> {
        Checks::new()
            .length("name", &self.name, 1, 100)
            .length_opt("description", self.description.as_deref(), 0, 500)
            .finish()
    }
}

/// Changes to a team; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "After-sales East", "description": ""}))]
pub struct TeamPatch {
    /// Name (1–100 characters), unique in the tenant.
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// What the team does (up to 500 characters); an empty string clears it.
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

impl Validate for TeamPatch {
    fn validate(&self) -> Result<(), ApiError> {
        Checks::new()
            .length_opt("name", self.name.as_deref(), 1, 100)
            .length_opt("description", self.description.as_deref(), 0, 500)
            .finish()
    }
}

/// The complete new member list of a team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_ids": ["0193a5c4-7e1f-7c3a-9d2b-5f0e8a1b2c3d", "0193a5c4-9a0b-7d4e-8f1a-2b3c4d5e6f70"]}))]
pub struct TeamMembersBody {
    /// Staff users of the tenant; duplicates are ignored.
    pub user_ids: Vec<Uuid>,
}

impl Validate for TeamMembersBody {
    fn validate(&self) -> Result<(), ApiError> {
        Checks::new()
            .ensure(
                self.user_ids.len() <= MAX_MEMBERS,
                "user_ids",
                "must list at most 1000 users",
            )
            .finish()
    }
}

/// Field errors for member ids that are not staff users of the tenant, named `user_ids[i]`.
pub fn member_errors(requested: &[Uuid], found: &[user::Model]) -> Vec<FieldError> {
    requested
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let message = match found.iter().find(|u| u.id == *id) {
                None => "is not a user of this tenant",
                // Portal users are customers, not staff: they never work tickets.
                Some(u) if u.customer_id.is_some() => "is a portal user; teams hold staff only",
                Some(_) => return None,
            };
            Some(FieldError::new(format!("user_ids[{i}]"), message))
        })
        .collect()
}

/// A team name in use; a lost race on the unique name index is the same 409 as the
/// check before it.
const NAME_TAKEN: (ErrorCode, &str) =
    (error_codes::TEAM_NAME_TAKEN, "a team with this name exists");

fn team_name_taken() -> ApiError {
    ApiError::conflict(NAME_TAKEN.0, NAME_TAKEN.1)
}

/// A trimmed description; empty means none.
fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// Records an action of the caller on a team, in the caller's transaction.
async fn audit_team(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    action: &'static str,
    team_id: Uuid,
    ip: Option<String>,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let entry = audit::AuditRecord {
        tenant_id: Some(ctx.tenant_id.uuid()),
        actor_id: Some(ctx.actor),
        action,
        target_type: Some("team"),
        target_id: Some(team_id),
        ip,
        details,
    };
    Ok(audit::record(txn, entry).await?)
}

/// Creates a team without members.
pub async fn create(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    body: NewTeamBody,
    ip: Option<String>,
) -> Result<team::Model, ApiError> {
    let name = body.name.trim().to_string();
    let store = TeamStore::new(txn, ctx.tenant_id);
    if store.find_by_name(&name).await?.is_some() {
        return Err(team_name_taken());
    }
    let now = Utc::now();
    let new = team::Model {
        id: Uuid::now_v7(),
        tenant_id: ctx.tenant_id.uuid(),
        name,
        description: non_empty(body.description),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let created = store
        .insert(new)
        .await
        .map_err(|e| ApiError::taken_or(e, NAME_TAKEN))?;
    let tenant_id = ctx.tenant_id.uuid();
    let data = team_data(&created, Vec::new());
    emit(txn, tenant_id, Some(ctx.actor), TeamCreated(data)).await?;
    let details = serde_json::json!({"name": created.name});
    audit_team(txn, ctx, "team.created", created.id, ip, details).await?;
    Ok(created)
}

/// Renames a team or changes its description; answers it with its members.
pub async fn update(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    id: Uuid,
    if_match: &IfMatch,
    patch: TeamPatch,
    ip: Option<String>,
) -> Result<(team::Model, Vec<Uuid>), ApiError> {
    let store = TeamStore::new(txn, ctx.tenant_id);
    let mut found = store.get(id).await?.ok_or(ApiError::NotFound)?;
    let members = store.member_ids(found.id).await?;
    let before = team_data(&found, members.clone());
    if let Some(name) = patch.name.map(|n| n.trim().to_string()) {
        // The team itself holding the name means it was renamed since it was read: the
        // versioned save answers that (412), not a name clash.
        let holder = store.find_by_name(&name).await?;
        if name != found.name && holder.is_some_and(|other| other.id != found.id) {
            return Err(team_name_taken());
        }
        found.name = name;
    }
    if let Some(description) = patch.description {
        found.description = non_empty(Some(description));
    }
    let saved = store
        .save(found, if_match)
        .await
        .map_err(|e| ApiError::taken_or(e, NAME_TAKEN))?;
    let after = team_data(&saved, members.clone());
    emit_team_change(txn, ctx.tenant_id.uuid(), Some(ctx.actor), &before, after).await?;
    let details = serde_json::json!({"name": saved.name});
    audit_team(txn, ctx, "team.updated", saved.id, ip, details).await?;
    Ok((saved, members))
}

/// Deletes a team and its memberships.
pub async fn delete(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    id: Uuid,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let store = TeamStore::new(txn, ctx.tenant_id);
    let found = store.get(id).await?.ok_or(ApiError::NotFound)?;
    let members = store.member_ids(found.id).await?;
    store.delete(found.id).await?;
    let data = team_data(&found, members);
    emit(
        txn,
        ctx.tenant_id.uuid(),
        Some(ctx.actor),
        TeamDeleted(data),
    )
    .await?;
    let details = serde_json::json!({"name": found.name});
    audit_team(txn, ctx, "team.deleted", found.id, ip, details).await?;
    Ok(())
}

/// Replaces a team's members; every id must be a staff user of the tenant.
pub async fn set_members(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    id: Uuid,
    if_match: &IfMatch,
    requested: Vec<Uuid>,
    ip: Option<String>,
) -> Result<(team::Model, Vec<Uuid>), ApiError> {
    let store = TeamStore::new(txn, ctx.tenant_id);
    let found = store.get(id).await?.ok_or(ApiError::NotFound)?;
    let errors = member_errors(&requested, &store.users_among(&requested).await?);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut members = requested;
    members.sort();
    members.dedup();
    let before = team_data(&found, store.member_ids(found.id).await?);
    // The versioned save first: it takes the team's row, so a concurrent change of the
    // members waits for it and then answers 412 instead of clashing on the member rows.
    let saved = store.save(found, if_match).await?;
    store.set_members(saved.id, &members).await?;
    let after = team_data(&saved, members.clone());
    let details = serde_json::json!({"before": before.member_ids, "after": members});
    emit_team_change(txn, ctx.tenant_id.uuid(), Some(ctx.actor), &before, after).await?;
    audit_team(txn, ctx, "team.members_changed", saved.id, ip, details).await?;
    Ok((saved, members))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: Uuid, customer_id: Option<Uuid>) -> user::Model {
        let now = Utc::now();
        user::Model {
            id,
            tenant_id: Uuid::now_v7(),
            email: "a@example.com".into(),
            email_normalized: "a@example.com".into(),
            name: "A".into(),
            phone: None,
            password_hash: None,
            status: "active".into(),
            roles: "[]".into(),
            customer_id,
            contact_id: None,
            failed_logins: 0,
            failed_window_start: None,
            locked_until: None,
            last_login_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn unknown_and_portal_users_are_named_by_index() {
        let (staff, portal, stranger) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let found = vec![user(staff, None), user(portal, Some(Uuid::now_v7()))];
        let errors = member_errors(&[staff, stranger, portal], &found);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["user_ids[1]", "user_ids[2]"]);
    }

    #[test]
    fn staff_members_pass() {
        let staff = Uuid::now_v7();
        assert!(member_errors(&[staff, staff], &[user(staff, None)]).is_empty());
    }
}
