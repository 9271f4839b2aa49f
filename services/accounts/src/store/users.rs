//! Users of one tenant.

use chrono::Utc;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::{TenantId, UserId};
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{session, team_member, user};

/// The canonical form of an email for uniqueness and lookup.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Filters of the user list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Only this status.
    pub status: Option<String>,
    /// Only users holding this role key.
    pub role: Option<String>,
    /// Only this email (exact, case-insensitive).
    pub email: Option<String>,
    /// Only members of this team.
    pub team_id: Option<Uuid>,
}

/// Users of one tenant; every query filters by it.
pub struct UserStore<'a, C: ConnectionTrait> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> UserStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// One user of the tenant.
    pub async fn get(&self, id: UserId) -> Result<Option<user::Model>, DbErr> {
        TenantStore::<_, user::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(user::Column::Id.eq(id.uuid()))
            .one(self.conn)
            .await
    }

    /// A user by email.
    pub async fn find_by_email(&self, email: &str) -> Result<Option<user::Model>, DbErr> {
        TenantStore::<_, user::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(user::Column::EmailNormalized.eq(normalize_email(email)))
            .one(self.conn)
            .await
    }

    /// A page of users, oldest first.
    pub async fn list(
        &self,
        filter: &UserFilter,
        page: PageRequest,
    ) -> Result<Vec<user::Model>, DbErr> {
        let mut query = TenantStore::<_, user::Entity>::new(self.conn, self.tenant).find();
        if let Some(status) = &filter.status {
            query = query.filter(user::Column::Status.eq(status.clone()));
        }
        if let Some(role) = &filter.role {
            // Roles are stored as a JSON array of keys; keys are [a-z0-9_], so the quoted match is exact.
            query = query.filter(user::Column::Roles.contains(format!("\"{role}\"")));
        }
        if let Some(email) = &filter.email {
            query = query.filter(user::Column::EmailNormalized.eq(normalize_email(email)));
        }
        if let Some(team) = filter.team_id {
            let members: Vec<Uuid> =
                TenantStore::<_, team_member::Entity>::new(self.conn, self.tenant)
                    .find()
                    .filter(team_member::Column::TeamId.eq(team))
                    .all(self.conn)
                    .await?
                    .into_iter()
                    .map(|m| m.user_id)
                    .collect();
            query = query.filter(user::Column::Id.is_in(members));
        }
        if let Some(after) = page.after {
            query = query.filter(user::Column::Id.gt(after));
        }
        query
            .order_by_asc(user::Column::Id)
            .limit(page.limit + 1)
            .all(self.conn)
            .await
    }

    /// Staff users that count toward the plan (not portal users, not disabled).
    pub async fn count_staff(&self) -> Result<u64, DbErr> {
        TenantStore::<_, user::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(user::Column::Status.ne("disabled"))
            .filter(user::Column::CustomerId.is_null())
            .count(self.conn)
            .await
    }

    /// Inserts a new user of this tenant.
    pub async fn insert(&self, mut model: user::Model) -> Result<user::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        user::Entity::insert(user::ActiveModel::from(model.clone()))
            .exec(self.conn)
            .await?;
        Ok(model)
    }

    /// Writes a changed user, bumping its version.
    /// Fails with `RecordNotUpdated` (a 412) if someone else saved the user since it was
    /// read, or `if_match` names another version.
    pub async fn save(
        &self,
        mut model: user::Model,
        if_match: &IfMatch,
    ) -> Result<user::Model, DbErr> {
        model.updated_at = Utc::now();
        TenantStore::<_, user::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await
    }

    /// The teams a user belongs to.
    pub async fn team_ids(&self, user_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
        Ok(
            TenantStore::<_, team_member::Entity>::new(self.conn, self.tenant)
                .find()
                .filter(team_member::Column::UserId.eq(user_id))
                .order_by_asc(team_member::Column::TeamId)
                .all(self.conn)
                .await?
                .into_iter()
                .map(|m| m.team_id)
                .collect(),
        )
    }

    /// The teams of each of `user_ids`, in one query (for lists).
    pub async fn team_ids_of(
        &self,
        user_ids: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, Vec<Uuid>>, DbErr> {
        let mut by_user: std::collections::HashMap<Uuid, Vec<Uuid>> =
            std::collections::HashMap::new();
        if user_ids.is_empty() {
            return Ok(by_user);
        }
        let rows = TenantStore::<_, team_member::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(team_member::Column::UserId.is_in(user_ids.to_vec()))
            .order_by_asc(team_member::Column::TeamId)
            .all(self.conn)
            .await?;
        for row in rows {
            by_user.entry(row.user_id).or_default().push(row.team_id);
        }
        Ok(by_user)
    }

    /// Replaces a user's team memberships (team ids must already be checked).
    pub async fn set_teams(&self, user_id: Uuid, team_ids: &[Uuid]) -> Result<(), DbErr> {
        TenantStore::<_, team_member::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(team_member::Column::UserId.eq(user_id))
            .exec(self.conn)
            .await?;
        if team_ids.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        let rows = team_ids.iter().map(|team| team_member::ActiveModel {
            team_id: Set(*team),
            user_id: Set(user_id),
            tenant_id: Set(self.tenant.uuid()),
            created_at: Set(now),
        });
        team_member::Entity::insert_many(rows)
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Revokes every live session of a user (disable, password change).
    pub async fn revoke_sessions(&self, user_id: Uuid, reason: &str) -> Result<u64, DbErr> {
        let result = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
            .col_expr(
                session::Column::RevokedReason,
                Expr::value(reason.to_string()),
            )
            .filter(session::Column::TenantId.eq(self.tenant))
            .filter(session::Column::SubjectId.eq(user_id))
            .filter(session::Column::RevokedAt.is_null())
            .exec(self.conn)
            .await?;
        Ok(result.rows_affected)
    }
}
