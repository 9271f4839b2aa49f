//! Service agreements of one tenant.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::agreement;

/// Service agreements of one tenant.
pub struct AgreementStore<'c, C> {
    conn: &'c C,
    tenant: TenantId,
}

impl<'c, C: ConnectionTrait> AgreementStore<'c, C> {
    /// The store of `tenant`.
    pub fn new(conn: &'c C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Inserts an agreement.
    pub async fn insert(&self, model: agreement::Model) -> Result<agreement::Model, DbErr> {
        agreement::Entity::insert(agreement::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// One agreement of the tenant.
    pub async fn get(&self, id: Uuid) -> Result<Option<agreement::Model>, DbErr> {
        TenantStore::<_, agreement::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(agreement::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// A page of agreements, newest first, of one customer and/or in one status.
    pub async fn list(
        &self,
        customer: Option<Uuid>,
        status: Option<&str>,
        page: PageRequest,
    ) -> Result<Vec<agreement::Model>, DbErr> {
        let mut query = TenantStore::<_, agreement::Entity>::new(self.conn, self.tenant).find();
        if let Some(customer) = customer {
            query = query.filter(agreement::Column::CustomerId.eq(customer));
        }
        if let Some(status) = status {
            query = query.filter(agreement::Column::Status.eq(status));
        }
        if let Some(after) = page.after {
            query = query.filter(agreement::Column::Id.lt(after));
        }
        query
            .order_by_desc(agreement::Column::Id)
            .limit(page.limit + 1)
            .all(self.conn)
            .await
    }

    /// A customer's agreements in force.
    pub async fn active_of(&self, customer: Uuid) -> Result<Vec<agreement::Model>, DbErr> {
        TenantStore::<_, agreement::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(agreement::Column::CustomerId.eq(customer))
            .filter(agreement::Column::Status.eq("active"))
            .order_by_asc(agreement::Column::Id)
            .all(self.conn)
            .await
    }

    /// Writes a changed agreement, bumping its version (a 412 if someone saved it since).
    pub async fn save(&self, model: agreement::Model) -> Result<agreement::Model, DbErr> {
        TenantStore::<_, agreement::Entity>::new(self.conn, self.tenant)
            .save(model, &IfMatch::Absent)
            .await
    }
}
