//! Files attached to one tenant's tickets (their bytes live in the object store).

use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::attachment;

/// The attachments of one tenant.
pub struct AttachmentStore<'a, C> {
    table: TenantStore<'a, C, attachment::Entity>,
}

impl<'a, C: ConnectionTrait> AttachmentStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self {
            table: TenantStore::new(conn, tenant),
        }
    }

    /// Records an uploaded file.
    pub async fn insert(&self, model: attachment::Model) -> Result<attachment::Model, DbErr> {
        self.table.insert(model).await
    }

    /// The files of a ticket, oldest first.
    pub async fn of_ticket(&self, ticket: Uuid) -> Result<Vec<attachment::Model>, DbErr> {
        self.table
            .find()
            .filter(attachment::Column::TicketId.eq(ticket))
            .order_by_asc(attachment::Column::Id)
            .all(self.table.conn())
            .await
    }

    /// One file of a ticket.
    pub async fn of_ticket_by_id(
        &self,
        ticket: Uuid,
        id: Uuid,
    ) -> Result<Option<attachment::Model>, DbErr> {
        self.table
            .find()
            .filter(attachment::Column::TicketId.eq(ticket))
            .filter(attachment::Column::Id.eq(id))
            .one(self.table.conn())
            .await
    }
}
