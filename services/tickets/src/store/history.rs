//! The audit trail of tickets: one row per changed field.

use chrono::{DateTime, Utc};
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::ticket_history;
use crate::domain::history::FieldChange;

/// The history of one tenant's tickets.
pub struct HistoryStore<'a, C> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> HistoryStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Records `changes` of a ticket made by `actor` via `via` (`user`, `system`, `rule:<id>`).
    pub async fn record(
        &self,
        ticket_id: Uuid,
        actor: Option<Uuid>,
        via: &str,
        changes: &[FieldChange],
        at: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        if changes.is_empty() {
            return Ok(());
        }
        let rows = changes.iter().map(|change| {
            ticket_history::ActiveModel::from(ticket_history::Model {
                id: Uuid::now_v7(),
                tenant_id: self.tenant.uuid(),
                ticket_id,
                field: change.field.to_string(),
                old_value: change.old.clone(),
                new_value: change.new.clone(),
                actor_id: actor,
                via: via.to_string(),
                at,
            })
        });
        ticket_history::Entity::insert_many(rows)
            .exec_without_returning(self.conn)
            .await?;
        Ok(())
    }

    /// A ticket's history, oldest first.
    pub async fn of_ticket(&self, ticket_id: Uuid) -> Result<Vec<ticket_history::Model>, DbErr> {
        TenantStore::<_, ticket_history::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket_history::Column::TicketId.eq(ticket_id))
            .order_by_asc(ticket_history::Column::Id)
            .all(self.conn)
            .await
    }
}
