//! Value records of a tenant's customers, one per customer and year.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::value_record;

/// Value records of one tenant.
pub struct ValueStore<'c, C> {
    conn: &'c C,
    tenant: TenantId,
}

impl<'c, C: ConnectionTrait> ValueStore<'c, C> {
    /// The store of `tenant`.
    pub fn new(conn: &'c C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Inserts a record (a unique violation if the customer has one for that year).
    pub async fn insert(&self, model: value_record::Model) -> Result<value_record::Model, DbErr> {
        value_record::Entity::insert(value_record::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// A customer's records, oldest year first.
    pub async fn of_customer(&self, customer: Uuid) -> Result<Vec<value_record::Model>, DbErr> {
        TenantStore::<_, value_record::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(value_record::Column::CustomerId.eq(customer))
            .order_by_asc(value_record::Column::Year)
            .all(self.conn)
            .await
    }

    /// One record of a customer.
    pub async fn get(
        &self,
        customer: Uuid,
        id: Uuid,
    ) -> Result<Option<value_record::Model>, DbErr> {
        TenantStore::<_, value_record::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(value_record::Column::Id.eq(id))
            .filter(value_record::Column::CustomerId.eq(customer))
            .one(self.conn)
            .await
    }

    /// The records of every customer for `year`.
    pub async fn of_year(&self, year: i64) -> Result<Vec<value_record::Model>, DbErr> {
        TenantStore::<_, value_record::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(value_record::Column::Year.eq(year))
            .all(self.conn)
            .await
    }

    /// The latest year any customer of the tenant has a record for.
    pub async fn latest_year(&self) -> Result<Option<i64>, DbErr> {
        Ok(
            TenantStore::<_, value_record::Entity>::new(self.conn, self.tenant)
                .find()
                .order_by_desc(value_record::Column::Year)
                .one(self.conn)
                .await?
                .map(|r| r.year),
        )
    }

    /// Writes a changed record, bumping its version (a 412 if someone saved it since).
    pub async fn save(
        &self,
        model: value_record::Model,
        if_match: &IfMatch,
    ) -> Result<value_record::Model, DbErr> {
        TenantStore::<_, value_record::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await
    }

    /// Deletes a record.
    pub async fn delete(&self, id: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, value_record::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(value_record::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
        Ok(())
    }
}
