//! Events of the accounts service: tenants, users and teams.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::CatalogueEntry;
use crate::envelope::Event;

const SERVICE: &str = "accounts";

/// What every tenant event carries: the tenant as it is after the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TenantData {
    /// The tenant's id (also the envelope's `tenant_id`).
    pub tenant_id: Uuid,
    /// URL-safe unique name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Plan key (`free`, `standard`, …).
    pub plan: String,
    /// IANA time zone, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// `active`, `suspended` or `deleted`.
    pub status: String,
}

/// What every user event carries: the user as it is after the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserData {
    /// The user's id.
    pub user_id: Uuid,
    /// Email, unique in the tenant.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Role keys.
    pub roles: Vec<String>,
    /// Teams the user belongs to.
    pub team_ids: Vec<Uuid>,
    /// `invited`, `active` or `disabled`.
    pub status: String,
    /// The customer a portal user belongs to (none for staff).
    pub customer_id: Option<Uuid>,
}

/// What every team event carries: the team as it is after the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TeamData {
    /// The team's id.
    pub team_id: Uuid,
    /// Name, unique in the tenant.
    pub name: String,
    /// Users in the team.
    pub member_ids: Vec<Uuid>,
}

event!(
    /// A tenant signed up; every service seeds its defaults for it.
    TenantCreated(TenantData) = "tenant.created", aggregate: tenant_id
);
event!(
    /// A tenant's name, plan or time zone changed.
    TenantUpdated(TenantData) = "tenant.updated", aggregate: tenant_id
);
event!(
    /// An operator suspended a tenant.
    TenantSuspended(TenantData) = "tenant.suspended", aggregate: tenant_id
);
event!(
    /// An operator restored a suspended tenant.
    TenantRestored(TenantData) = "tenant.restored", aggregate: tenant_id
);
event!(
    /// An operator deleted a tenant; every service purges its data.
    TenantDeleted(TenantData) = "tenant.deleted", aggregate: tenant_id
);
event!(
    /// A user was created (invited or with a password).
    UserCreated(UserData) = "user.created", aggregate: user_id
);
event!(
    /// A user's name, email, teams or status (an accepted invitation) changed.
    UserUpdated(UserData) = "user.updated", aggregate: user_id
);
event!(
    /// A user was disabled; they get no new work.
    UserDisabled(UserData) = "user.disabled", aggregate: user_id
);
event!(
    /// A disabled user was enabled again.
    UserEnabled(UserData) = "user.enabled", aggregate: user_id
);
event!(
    /// A user's roles changed.
    UserRolesChanged(UserData) = "user.roles_changed", aggregate: user_id
);
event!(
    /// A team was created.
    TeamCreated(TeamData) = "team.created", aggregate: team_id
);
event!(
    /// A team was renamed.
    TeamUpdated(TeamData) = "team.updated", aggregate: team_id
);
event!(
    /// A team was deleted; `member_ids` are the members it had.
    TeamDeleted(TeamData) = "team.deleted", aggregate: team_id
);
event!(
    /// A team's members changed.
    TeamMembersChanged(TeamData) = "team.members_changed", aggregate: team_id
);

/// The accounts entries of the catalogue.
pub fn entries() -> Vec<CatalogueEntry> {
    vec![
        CatalogueEntry::of::<TenantCreated>(),
        CatalogueEntry::of::<TenantUpdated>(),
        CatalogueEntry::of::<TenantSuspended>(),
        CatalogueEntry::of::<TenantRestored>(),
        CatalogueEntry::of::<TenantDeleted>(),
        CatalogueEntry::of::<UserCreated>(),
        CatalogueEntry::of::<UserUpdated>(),
        CatalogueEntry::of::<UserDisabled>(),
        CatalogueEntry::of::<UserEnabled>(),
        CatalogueEntry::of::<UserRolesChanged>(),
        CatalogueEntry::of::<TeamCreated>(),
        CatalogueEntry::of::<TeamUpdated>(),
        CatalogueEntry::of::<TeamDeleted>(),
        CatalogueEntry::of::<TeamMembersChanged>(),
    ]
}
