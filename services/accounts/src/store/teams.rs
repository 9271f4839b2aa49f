//! Teams of one tenant.

use std::collections::HashMap;

use chrono::Utc;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::entities::{team, team_member, user};

/// The ids among `ids` that are not teams of the tenant.
pub async fn unknown_ids(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, DbErr> {
    let known: Vec<Uuid> = team::Entity::find()
        .filter(team::Column::TenantId.eq(tenant.uuid()))
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
pub struct TeamStore<'a, C: ConnectionTrait> {
    conn: &'a C,
    tenant: Uuid,
}

impl<'a, C: ConnectionTrait> TeamStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self {
            conn,
            tenant: tenant.uuid(),
        }
    }

    /// One team of the tenant.
    pub async fn get(&self, id: Uuid) -> Result<Option<team::Model>, DbErr> {
        team::Entity::find_by_id(id)
            .filter(team::Column::TenantId.eq(self.tenant))
            .one(self.conn)
            .await
    }

    /// A team by its exact name.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<team::Model>, DbErr> {
        team::Entity::find()
            .filter(team::Column::TenantId.eq(self.tenant))
            .filter(team::Column::Name.eq(name))
            .one(self.conn)
            .await
    }

    /// A page of teams, oldest first (`limit + 1` rows), optionally only the one named `name`.
    pub async fn list(
        &self,
        name: Option<&str>,
        page: PageRequest,
    ) -> Result<Vec<team::Model>, DbErr> {
        let mut query = team::Entity::find().filter(team::Column::TenantId.eq(self.tenant));
        if let Some(name) = name {
            query = query.filter(team::Column::Name.eq(name));
        }
        if let Some(after) = page.after {
            query = query.filter(team::Column::Id.gt(after));
        }
        query
            .order_by_asc(team::Column::Id)
            .limit(page.limit + 1)
            .all(self.conn)
            .await
    }

    /// Inserts a new team of this tenant.
    pub async fn insert(&self, mut model: team::Model) -> Result<team::Model, DbErr> {
        model.tenant_id = self.tenant;
        team::Entity::insert(team::ActiveModel::from(model.clone()))
            .exec(self.conn)
            .await?;
        Ok(model)
    }

    /// Writes a changed team, bumping its version.
    pub async fn save(&self, mut model: team::Model) -> Result<team::Model, DbErr> {
        model.version += 1;
        model.updated_at = Utc::now();
        let active = sea_orm::ActiveModelTrait::reset_all(team::ActiveModel::from(model.clone()));
        team::Entity::update(active)
            .filter(team::Column::TenantId.eq(self.tenant))
            .exec(self.conn)
            .await?;
        Ok(model)
    }

    /// Deletes a team and its memberships.
    pub async fn delete(&self, id: Uuid) -> Result<(), DbErr> {
        team_member::Entity::delete_many()
            .filter(team_member::Column::TenantId.eq(self.tenant))
            .filter(team_member::Column::TeamId.eq(id))
            .exec(self.conn)
            .await?;
        team::Entity::delete_many()
            .filter(team::Column::TenantId.eq(self.tenant))
            .filter(team::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
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
        let rows = team_member::Entity::find()
            .filter(team_member::Column::TenantId.eq(self.tenant))
            .filter(team_member::Column::TeamId.is_in(team_ids.to_vec()))
            .order_by_asc(team_member::Column::UserId)
            .all(self.conn)
            .await?;
        let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for row in rows {
            out.entry(row.team_id).or_default().push(row.user_id);
        }
        Ok(out)
    }

    /// Replaces a team's members (user ids must already be checked).
    pub async fn set_members(&self, team_id: Uuid, user_ids: &[Uuid]) -> Result<(), DbErr> {
        team_member::Entity::delete_many()
            .filter(team_member::Column::TenantId.eq(self.tenant))
            .filter(team_member::Column::TeamId.eq(team_id))
            .exec(self.conn)
            .await?;
        if user_ids.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        let rows = user_ids.iter().map(|user| team_member::ActiveModel {
            team_id: Set(team_id),
            user_id: Set(*user),
            tenant_id: Set(self.tenant),
            created_at: Set(now),
        });
        team_member::Entity::insert_many(rows)
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// The users of the tenant among `ids` (to check a member list).
    pub async fn users_among(&self, ids: &[Uuid]) -> Result<Vec<user::Model>, DbErr> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        user::Entity::find()
            .filter(user::Column::TenantId.eq(self.tenant))
            .filter(user::Column::Id.is_in(ids.to_vec()))
            .all(self.conn)
            .await
    }
}
