//! Roles of one tenant.

use chrono::Utc;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::decode_list;
use super::entities::{role, user};

/// The union of the scopes of the given role keys, sorted.
pub async fn scopes_for(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    keys: &[String],
) -> Result<Vec<String>, DbErr> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows = role::Entity::find()
        .filter(role::Column::TenantId.eq(tenant.uuid()))
        .filter(role::Column::Key.is_in(keys.to_vec()))
        .all(conn)
        .await?;
    let mut scopes: Vec<String> = rows.iter().flat_map(|r| decode_list(&r.scopes)).collect();
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}

/// The keys among `keys` that are not roles of the tenant.
pub async fn unknown_keys(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    keys: &[String],
) -> Result<Vec<String>, DbErr> {
    let known: Vec<String> = role::Entity::find()
        .filter(role::Column::TenantId.eq(tenant.uuid()))
        .filter(role::Column::Key.is_in(keys.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.key)
        .collect();
    Ok(keys
        .iter()
        .filter(|k| !known.contains(k))
        .cloned()
        .collect())
}

/// Roles of one tenant; every query filters by it.
pub struct RoleStore<'a, C: ConnectionTrait> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> RoleStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// One role of the tenant.
    pub async fn get(&self, id: Uuid) -> Result<Option<role::Model>, DbErr> {
        TenantStore::<_, role::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(role::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// A role by its key.
    pub async fn find_by_key(&self, key: &str) -> Result<Option<role::Model>, DbErr> {
        TenantStore::<_, role::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(role::Column::Key.eq(key))
            .one(self.conn)
            .await
    }

    /// A page of roles, oldest first (`limit + 1` rows).
    pub async fn list(&self, page: PageRequest) -> Result<Vec<role::Model>, DbErr> {
        let mut query = TenantStore::<_, role::Entity>::new(self.conn, self.tenant).find();
        if let Some(after) = page.after {
            query = query.filter(role::Column::Id.gt(after));
        }
        query
            .order_by_asc(role::Column::Id)
            .limit(page.limit + 1)
            .all(self.conn)
            .await
    }

    /// Inserts a new role of this tenant.
    pub async fn insert(&self, mut model: role::Model) -> Result<role::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        role::Entity::insert(role::ActiveModel::from(model.clone()))
            .exec(self.conn)
            .await?;
        Ok(model)
    }

    /// Writes a changed role, bumping its version (412 when `if_match` or the stored
    /// version says someone saved it since it was read).
    pub async fn save(
        &self,
        mut model: role::Model,
        if_match: &IfMatch,
    ) -> Result<role::Model, DbErr> {
        model.updated_at = Utc::now();
        TenantStore::<_, role::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await
    }

    /// Deletes a role.
    pub async fn delete(&self, id: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, role::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(role::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// How many users of the tenant (any status) hold the role `key`.
    pub async fn holder_count(&self, key: &str) -> Result<u64, DbErr> {
        // Roles are stored as a JSON array of keys; keys are [a-z0-9_], so the quoted match is exact.
        TenantStore::<_, user::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(user::Column::Roles.contains(format!("\"{key}\"")))
            .count(self.conn)
            .await
    }
}
