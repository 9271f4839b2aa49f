//! The events accounts emits (PRODUCT.md §4), always through the outbox of the change.
//!
//! A change emits exactly one event (PRODUCT.md §4, "one event per change"). Every
//! event carries the aggregate as it is after the change, so when one request changes
//! several things the most specific type wins: a status change over a role change over
//! any other change, and a change no consumer can see emits nothing.

use kefu_events::catalogue::accounts::{
    TeamData, TeamMembersChanged, TeamUpdated, TenantData, TenantDeleted, TenantRestored,
    TenantSuspended, TenantUpdated, UserData, UserDisabled, UserEnabled, UserRolesChanged,
    UserUpdated,
};
use kefu_events::Event;
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::store::decode_list;
use crate::store::entities::{team, tenant, user};

/// Appends `event` of `tenant_id`, caused by `actor`, to the change's transaction.
pub async fn emit<E: Event>(
    txn: &DatabaseTransaction,
    tenant_id: Uuid,
    actor: Option<Uuid>,
    event: E,
) -> Result<(), ApiError> {
    kefu_events::append(txn, tenant_id, actor, &event).await?;
    Ok(())
}

/// A tenant as events carry it.
pub fn tenant_data(tenant: &tenant::Model) -> TenantData {
    TenantData {
        tenant_id: tenant.id,
        slug: tenant.slug.clone(),
        name: tenant.name.clone(),
        plan: tenant.plan.clone(),
        time_zone: tenant.time_zone.clone(),
        status: tenant.status.clone(),
    }
}

/// A user as events carry it.
pub fn user_data(user: &user::Model, team_ids: Vec<Uuid>) -> UserData {
    let mut team_ids = team_ids;
    team_ids.sort();
    UserData {
        user_id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        roles: decode_list(&user.roles),
        team_ids,
        status: user.status.clone(),
        customer_id: user.customer_id,
    }
}

/// A team as events carry it.
pub fn team_data(team: &team::Model, member_ids: Vec<Uuid>) -> TeamData {
    let mut member_ids = member_ids;
    member_ids.sort();
    TeamData {
        team_id: team.id,
        name: team.name.clone(),
        member_ids,
    }
}

/// Which tenant event a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantChange {
    /// `tenant.updated`
    Updated,
    /// `tenant.suspended`
    Suspended,
    /// `tenant.restored`
    Restored,
    /// `tenant.deleted`
    Deleted,
}

/// The one event for a tenant going from `before` to `after`, if consumers can see a change.
pub fn tenant_change(before: &TenantData, after: &TenantData) -> Option<TenantChange> {
    if before.status != after.status {
        return match after.status.as_str() {
            "suspended" => Some(TenantChange::Suspended),
            "deleted" => Some(TenantChange::Deleted),
            _ => Some(TenantChange::Restored),
        };
    }
    (before != after).then_some(TenantChange::Updated)
}

/// Which user event a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChange {
    /// `user.updated`
    Updated,
    /// `user.disabled`
    Disabled,
    /// `user.enabled`
    Enabled,
    /// `user.roles_changed`
    RolesChanged,
}

/// The one event for a user going from `before` to `after`, if consumers can see a change.
pub fn user_change(before: &UserData, after: &UserData) -> Option<UserChange> {
    let was_disabled = before.status == "disabled";
    let is_disabled = after.status == "disabled";
    if !was_disabled && is_disabled {
        return Some(UserChange::Disabled);
    }
    if was_disabled && !is_disabled {
        return Some(UserChange::Enabled);
    }
    let (before, after) = (normalized(before), normalized(after));
    if before.roles != after.roles {
        return Some(UserChange::RolesChanged);
    }
    (before != after).then_some(UserChange::Updated)
}

/// `data` with its lists sorted, so their order is no change.
fn normalized(data: &UserData) -> UserData {
    let mut data = data.clone();
    data.roles.sort();
    data.team_ids.sort();
    data
}

/// Which team event a change is (creation and deletion are emitted where they happen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamChange {
    /// `team.updated`
    Updated,
    /// `team.members_changed`
    MembersChanged,
}

/// The one event for a team going from `before` to `after`, if consumers can see a change.
pub fn team_change(before: &TeamData, after: &TeamData) -> Option<TeamChange> {
    if before.member_ids != after.member_ids {
        return Some(TeamChange::MembersChanged);
    }
    (before != after).then_some(TeamChange::Updated)
}

/// Emits the event for a tenant's change, if it is one.
pub async fn emit_tenant_change(
    txn: &DatabaseTransaction,
    actor: Option<Uuid>,
    before: &TenantData,
    after: TenantData,
) -> Result<(), ApiError> {
    let tenant_id = after.tenant_id;
    match tenant_change(before, &after) {
        None => Ok(()),
        Some(TenantChange::Updated) => emit(txn, tenant_id, actor, TenantUpdated(after)).await,
        Some(TenantChange::Suspended) => emit(txn, tenant_id, actor, TenantSuspended(after)).await,
        Some(TenantChange::Restored) => emit(txn, tenant_id, actor, TenantRestored(after)).await,
        Some(TenantChange::Deleted) => emit(txn, tenant_id, actor, TenantDeleted(after)).await,
    }
}

/// Emits the event for a user's change, if it is one.
pub async fn emit_user_change(
    txn: &DatabaseTransaction,
    tenant_id: Uuid,
    actor: Option<Uuid>,
    before: &UserData,
    after: UserData,
) -> Result<(), ApiError> {
    match user_change(before, &after) {
        None => Ok(()),
        Some(UserChange::Updated) => emit(txn, tenant_id, actor, UserUpdated(after)).await,
        Some(UserChange::Disabled) => emit(txn, tenant_id, actor, UserDisabled(after)).await,
        Some(UserChange::Enabled) => emit(txn, tenant_id, actor, UserEnabled(after)).await,
        Some(UserChange::RolesChanged) => {
            emit(txn, tenant_id, actor, UserRolesChanged(after)).await
        }
    }
}

/// Emits the event for a team's change, if it is one.
pub async fn emit_team_change(
    txn: &DatabaseTransaction,
    tenant_id: Uuid,
    actor: Option<Uuid>,
    before: &TeamData,
    after: TeamData,
) -> Result<(), ApiError> {
    match team_change(before, &after) {
        None => Ok(()),
        Some(TeamChange::Updated) => emit(txn, tenant_id, actor, TeamUpdated(after)).await,
        Some(TeamChange::MembersChanged) => {
            emit(txn, tenant_id, actor, TeamMembersChanged(after)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(status: &str, roles: &[&str]) -> UserData {
        UserData {
            user_id: Uuid::nil(),
            email: "a@example.com".into(),
            name: "A".into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            team_ids: Vec::new(),
            status: status.into(),
            customer_id: None,
        }
    }

    #[test]
    fn a_status_change_wins_over_a_role_change() {
        let before = user("active", &["agent"]);
        let after = user("disabled", &["supervisor"]);
        assert_eq!(user_change(&before, &after), Some(UserChange::Disabled));
        assert_eq!(user_change(&after, &before), Some(UserChange::Enabled));
    }

    #[test]
    fn roles_in_another_order_are_no_change() {
        let before = user("active", &["agent", "supervisor"]);
        let after = user("active", &["supervisor", "agent"]);
        assert_eq!(user_change(&before, &after), None);
        let promoted = user("active", &["admin"]);
        assert_eq!(
            user_change(&before, &promoted),
            Some(UserChange::RolesChanged)
        );
    }

    #[test]
    fn an_accepted_invitation_or_a_rename_is_an_update() {
        let invited = user("invited", &["agent"]);
        let active = user("active", &["agent"]);
        assert_eq!(user_change(&invited, &active), Some(UserChange::Updated));
        let mut renamed = active.clone();
        renamed.name = "B".into();
        assert_eq!(user_change(&active, &renamed), Some(UserChange::Updated));
        // Enabling an invited user who never accepted brings them back to `invited`.
        let disabled = user("disabled", &["agent"]);
        assert_eq!(user_change(&disabled, &invited), Some(UserChange::Enabled));
    }

    fn tenant(status: &str, plan: &str) -> TenantData {
        TenantData {
            tenant_id: Uuid::nil(),
            slug: "acme".into(),
            name: "Acme".into(),
            plan: plan.into(),
            time_zone: "UTC".into(),
            status: status.into(),
        }
    }

    #[test]
    fn tenant_status_changes_have_their_own_types() {
        let active = tenant("active", "free");
        let suspended = tenant("suspended", "free");
        let deleted = tenant("deleted", "free");
        assert_eq!(
            tenant_change(&active, &suspended),
            Some(TenantChange::Suspended)
        );
        assert_eq!(
            tenant_change(&suspended, &active),
            Some(TenantChange::Restored)
        );
        assert_eq!(
            tenant_change(&suspended, &deleted),
            Some(TenantChange::Deleted)
        );
        assert_eq!(
            tenant_change(&active, &tenant("active", "standard")),
            Some(TenantChange::Updated)
        );
        assert_eq!(tenant_change(&active, &active.clone()), None);
    }

    #[test]
    fn a_team_rename_is_an_update_and_new_members_are_a_members_change() {
        let team = TeamData {
            team_id: Uuid::nil(),
            name: "L1".into(),
            member_ids: Vec::new(),
        };
        let renamed = TeamData {
            name: "L2".into(),
            ..team.clone()
        };
        let staffed = TeamData {
            member_ids: vec![Uuid::now_v7()],
            ..team.clone()
        };
        assert_eq!(team_change(&team, &renamed), Some(TeamChange::Updated));
        assert_eq!(
            team_change(&team, &staffed),
            Some(TeamChange::MembersChanged)
        );
        assert_eq!(team_change(&team, &team.clone()), None);
    }
}
