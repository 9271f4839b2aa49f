//! API clients of third parties.

use chrono::Utc;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::api_client;

/// A client by its public `client_id` (any tenant: the token endpoint has no tenant yet).
pub async fn find_by_client_id(
    conn: &impl ConnectionTrait,
    client_id: &str,
) -> Result<Option<api_client::Model>, DbErr> {
    api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(client_id))
        .one(conn)
        .await
}

/// API clients of one tenant; every query filters by it.
pub struct ApiClientStore<'a, C: ConnectionTrait> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> ApiClientStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// One client of the tenant.
    pub async fn get(&self, id: Uuid) -> Result<Option<api_client::Model>, DbErr> {
        TenantStore::<_, api_client::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(api_client::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// A page of clients, oldest first (`limit + 1` rows), optionally of one status.
    pub async fn list(
        &self,
        status: Option<&str>,
        page: PageRequest,
    ) -> Result<Vec<api_client::Model>, DbErr> {
        let mut query = TenantStore::<_, api_client::Entity>::new(self.conn, self.tenant).find();
        if let Some(status) = status {
            query = query.filter(api_client::Column::Status.eq(status));
        }
        if let Some(after) = page.after {
            query = query.filter(api_client::Column::Id.gt(after));
        }
        query
            .order_by_asc(api_client::Column::Id)
            .limit(page.limit + 1)
            .all(self.conn)
            .await
    }

    /// Inserts a new client of this tenant.
    pub async fn insert(&self, mut model: api_client::Model) -> Result<api_client::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        api_client::Entity::insert(api_client::ActiveModel::from(model.clone()))
            .exec(self.conn)
            .await?;
        Ok(model)
    }

    /// Writes a changed client, bumping its version (412 when someone saved it since it
    /// was read).
    pub async fn save(&self, mut model: api_client::Model) -> Result<api_client::Model, DbErr> {
        model.updated_at = Utc::now();
        TenantStore::<_, api_client::Entity>::new(self.conn, self.tenant)
            .save(model, &IfMatch::Absent)
            .await
    }
}
