//! The conversation of a ticket: public replies and internal notes.

use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::ticket_comment;

/// Replies and notes of one tenant's tickets.
pub struct CommentStore<'a, C> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> CommentStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Adds a reply or note.
    pub async fn insert(
        &self,
        mut model: ticket_comment::Model,
    ) -> Result<ticket_comment::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        ticket_comment::Entity::insert(ticket_comment::ActiveModel::from(model.clone()))
            .exec(self.conn)
            .await?;
        Ok(model)
    }

    /// One reply or note of a ticket.
    pub async fn of_ticket_by_id(
        &self,
        ticket_id: Uuid,
        id: Uuid,
    ) -> Result<Option<ticket_comment::Model>, DbErr> {
        TenantStore::<_, ticket_comment::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket_comment::Column::Id.eq(id))
            .filter(ticket_comment::Column::TicketId.eq(ticket_id))
            .one(self.conn)
            .await
    }

    /// The ids of a ticket's internal notes.
    pub async fn internal_note_ids(&self, ticket_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
        Ok(
            TenantStore::<_, ticket_comment::Entity>::new(self.conn, self.tenant)
                .find()
                .filter(ticket_comment::Column::TicketId.eq(ticket_id))
                .filter(ticket_comment::Column::Public.eq(false))
                .all(self.conn)
                .await?
                .into_iter()
                .map(|c| c.id)
                .collect(),
        )
    }

    /// The conversation of a ticket, oldest first; `public_only` hides internal notes.
    pub async fn of_ticket(
        &self,
        ticket_id: Uuid,
        public_only: bool,
    ) -> Result<Vec<ticket_comment::Model>, DbErr> {
        let mut query = TenantStore::<_, ticket_comment::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket_comment::Column::TicketId.eq(ticket_id));
        if public_only {
            query = query.filter(ticket_comment::Column::Public.eq(true));
        }
        query
            .order_by_asc(ticket_comment::Column::Id)
            .all(self.conn)
            .await
    }
}
