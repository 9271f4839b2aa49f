//! Teams of one tenant.

use std::collections::HashMap;

use chrono::Utc;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::entities::{team, team_member, user};

/// The ids among `ids` that are not teams of the tenant.
pub async fn unknown_ids(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, DbErr> {
    let known: Vec<Uuid> = TenantStore::<_, team::Entity>::new(conn, tenant)
        .find()
        .filter(team::Column::Id.is_in(ids.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    Ok(ids
        .iter()
        .filter(|id| !known.contains(id))
        .copied()
        .collect())
}

/// Teams of one tenant and their memberships; every query filters by it.
pub struct TeamStore<'a, C> {
    teams: TenantStore<'a, C, team::Entity>,
    members: TenantStore<'a, C, team_member::Entity>,
    users: TenantStore<'a, C, user::Entity>,
}

impl<'a, C: ConnectionTrait> TeamStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self {
            teams: TenantStore::new(conn, tenant),
            members: TenantStore::new(conn, tenant),
            users: TenantStore::new(conn, tenant),
        }
    }

    /// One team of the tenant.
    pub async fn get(&self, id: Uuid) -> Result<Option<team::Model>, DbErr> {
        self.teams.get(id).await
    }

    /// A team by its exact name.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<team::Model>, DbErr> {
        self.teams
            .find()
            .filter(team::Column::Name.eq(name))
            .one(self.teams.conn())
            .await
    }

    /// A page of teams, oldest first (`limit + 1` rows), optionally only the one named `name`.
    pub async fn list(
        &self,
        name: Option<&str>,
        page: PageRequest,
    ) -> Result<Vec<team::Model>, DbErr> {
        let mut query = self.teams.find();
        if let Some(name) = name {
            query = query.filter(team::Column::Name.eq(name));
        }
        if let Some(after) = page.after {
            query = query.filter(team::Column::Id.gt(after));
        }
        query
            .order_by_asc(team::Column::Id)
            .limit(page.limit + 1)
            .all(self.teams.conn())
            .await
    }

    /// Inserts a new team of this tenant.
    pub async fn insert(&self, model: team::Model) -> Result<team::Model, DbErr> {
        self.teams.insert(model).await
    }

    /// Writes a changed team, bumping its version (412 when `if_match` or the stored
    /// version says someone saved it since it was read).
    pub async fn save(
        &self,
        mut model: team::Model,
        if_match: &IfMatch,
    ) -> Result<team::Model, DbErr> {
        model.updated_at = Utc::now();
        self.teams.save(model, if_match).await
    }

    /// Deletes a team and its memberships.
    pub async fn delete(&self, id: Uuid) -> Result<(), DbErr> {
        self.members
            .delete_many()
            .filter(team_member::Column::TeamId.eq(id))
            .exec(self.teams.conn())
            .await?;
        self.teams.delete(id).await?;
        Ok(())
    }

    /// The members of a team, by user id.
    pub async fn member_ids(&self, team_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
        let mut members = self.members_of(&[team_id]).await?;
        Ok(members.remove(&team_id).unwrap_or_default())
    }

    /// The members of several teams at once (one query for a page), by user id.
    pub async fn members_of(&self, team_ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<Uuid>>, DbErr> {
        if team_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = self
            .members
            .find()
            .filter(team_member::Column::TeamId.is_in(team_ids.to_vec()))
            .order_by_asc(team_member::Column::UserId)
            .all(self.teams.conn())
            .await?;
        let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for row in rows {
            out.entry(row.team_id).or_default().push(row.user_id);
        }
        Ok(out)
    }

    /// Replaces a team's members (user ids must already be checked).
    pub async fn set_members(&self, team_id: Uuid, user_ids: &[Uuid]) -> Result<(), DbErr> {
        self.members
            .delete_many()
            .filter(team_member::Column::TeamId.eq(team_id))
            .exec(self.teams.conn())
            .await?;
        let now = Utc::now();
        let rows = user_ids
            .iter()
            .map(|user| team_member::Model {
                team_id,
                user_id: *user,
                tenant_id: self.teams.tenant(),
                created_at: now,
            })
            .collect();
        self.members.insert_many(rows).await
    }

    /// The users of the tenant among `ids` (to check a member list).
    pub async fn users_among(&self, ids: &[Uuid]) -> Result<Vec<user::Model>, DbErr> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.users
            .find()
            .filter(user::Column::Id.is_in(ids.to_vec()))
            .all(self.teams.conn())
            .await
    }
}
