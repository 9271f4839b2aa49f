//! Pain points of one tenant's customers.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::pain_point;

/// Pain points of one tenant.
pub struct PainPointStore<'c, C> {
    conn: &'c C,
    tenant: TenantId,
}

impl<'c, C: ConnectionTrait> PainPointStore<'c, C> {
    /// The store of `tenant`.
    pub fn new(conn: &'c C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Inserts a pain point.
    pub async fn insert(&self, model: pain_point::Model) -> Result<pain_point::Model, DbErr> {
        pain_point::Entity::insert(pain_point::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// One pain point of the tenant.
    pub async fn get(&self, id: Uuid) -> Result<Option<pain_point::Model>, DbErr> {
        TenantStore::<_, pain_point::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(pain_point::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// A page of pain points, newest first, of one customer and/or in one status.
    pub async fn list(
        &self,
        customer: Option<Uuid>,
        status: Option<&str>,
        page: PageRequest,
    ) -> Result<Vec<pain_point::Model>, DbErr> {
        let mut query = TenantStore::<_, pain_point::Entity>::new(self.conn, self.tenant).find();
        if let Some(customer) = customer {
            query = query.filter(pain_point::Column::CustomerId.eq(customer));
        }
        if let Some(status) = status {
            query = query.filter(pain_point::Column::Status.eq(status));
        }
        if let Some(after) = page.after {
            query = query.filter(pain_point::Column::Id.lt(after));
        }
        query
            .order_by_desc(pain_point::Column::Id)
            .limit(page.limit + 1)
            .all(self.conn)
            .await
    }

    /// A customer's unresolved pain points, highest priority first.
    pub async fn unresolved_of(&self, customer: Uuid) -> Result<Vec<pain_point::Model>, DbErr> {
        TenantStore::<_, pain_point::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(pain_point::Column::CustomerId.eq(customer))
            .filter(pain_point::Column::Status.ne("resolved"))
            .order_by_desc(pain_point::Column::Priority)
            .order_by_asc(pain_point::Column::Id)
            .all(self.conn)
            .await
    }

    /// Writes a changed pain point, bumping its version (a 412 if someone saved it since).
    pub async fn save(&self, model: pain_point::Model) -> Result<pain_point::Model, DbErr> {
        TenantStore::<_, pain_point::Entity>::new(self.conn, self.tenant)
            .save(model, &IfMatch::Absent)
            .await
    }
}
