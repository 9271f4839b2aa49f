//! Escalation rules of one tenant.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::escalation_rule;

/// The escalation rules of one tenant.
pub struct EscalationStore<'a, C> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> EscalationStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Every rule in firing order.
    pub async fn rules(&self) -> Result<Vec<escalation_rule::Model>, DbErr> {
        TenantStore::<_, escalation_rule::Entity>::new(self.conn, self.tenant)
            .find()
            .order_by_asc(escalation_rule::Column::Position)
            .order_by_asc(escalation_rule::Column::Id)
            .all(self.conn)
            .await
    }

    /// One rule.
    pub async fn rule(&self, id: Uuid) -> Result<Option<escalation_rule::Model>, DbErr> {
        TenantStore::<_, escalation_rule::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(escalation_rule::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// Adds a rule.
    pub async fn insert(
        &self,
        mut model: escalation_rule::Model,
    ) -> Result<escalation_rule::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        escalation_rule::Entity::insert(escalation_rule::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// Writes a rule.
    pub async fn save(
        &self,
        model: escalation_rule::Model,
        if_match: &IfMatch,
    ) -> Result<escalation_rule::Model, DbErr> {
        TenantStore::<_, escalation_rule::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await
    }

    /// Deletes a rule.
    pub async fn delete(&self, id: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, escalation_rule::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(escalation_rule::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
        Ok(())
    }
}
