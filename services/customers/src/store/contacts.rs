//! Contacts of a tenant's customers.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::contact;

/// Contacts of one tenant.
pub struct ContactStore<'c, C> {
    conn: &'c C,
    tenant: TenantId,
}

impl<'c, C: ConnectionTrait> ContactStore<'c, C> {
    /// The store of `tenant`.
    pub fn new(conn: &'c C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Inserts a contact.
    pub async fn insert(&self, model: contact::Model) -> Result<contact::Model, DbErr> {
        contact::Entity::insert(contact::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// The contacts of a customer, oldest first.
    pub async fn of_customer(&self, customer: Uuid) -> Result<Vec<contact::Model>, DbErr> {
        TenantStore::<_, contact::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(contact::Column::CustomerId.eq(customer))
            .order_by_asc(contact::Column::Id)
            .all(self.conn)
            .await
    }

    /// One contact of a customer.
    pub async fn get(&self, customer: Uuid, id: Uuid) -> Result<Option<contact::Model>, DbErr> {
        TenantStore::<_, contact::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(contact::Column::Id.eq(id))
            .filter(contact::Column::CustomerId.eq(customer))
            .one(self.conn)
            .await
    }

    /// Writes a changed contact, bumping its version (a 412 if someone saved it since).
    pub async fn save(
        &self,
        model: contact::Model,
        if_match: &IfMatch,
    ) -> Result<contact::Model, DbErr> {
        TenantStore::<_, contact::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await
    }

    /// Deletes a contact.
    pub async fn delete(&self, id: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, contact::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(contact::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
        Ok(())
    }
}
