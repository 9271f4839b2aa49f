//! Interactions, the copy of customers' tickets and their survey scores.

use chrono::{DateTime, Utc};
use kefu_events::catalogue::surveys::ResponseData;
use kefu_events::catalogue::tickets::TicketData;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{customer_score, customer_ticket, interaction};

/// Ticket statuses that still need work.
pub const UNSOLVED: [&str; 4] = ["new", "open", "pending", "on_hold"];

/// Activity of one tenant's customers.
pub struct ActivityStore<'c, C> {
    conn: &'c C,
    tenant: TenantId,
}

impl<'c, C: ConnectionTrait> ActivityStore<'c, C> {
    /// The store of `tenant`.
    pub fn new(conn: &'c C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Appends an interaction.
    pub async fn append(&self, model: interaction::Model) -> Result<interaction::Model, DbErr> {
        interaction::Entity::insert(interaction::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// A page of a customer's interactions, newest first.
    pub async fn interactions(
        &self,
        customer: Uuid,
        page: PageRequest,
    ) -> Result<Vec<interaction::Model>, DbErr> {
        let mut query = TenantStore::<_, interaction::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(interaction::Column::CustomerId.eq(customer));
        if let Some(after) = page.after {
            query = query.filter(interaction::Column::Id.lt(after));
        }
        query
            .order_by_desc(interaction::Column::Id)
            .limit(page.limit + 1)
            .all(self.conn)
            .await
    }

    /// Records a ticket as an event describes it; returns the copy it replaced.
    pub async fn record_ticket(
        &self,
        data: &TicketData,
        now: DateTime<Utc>,
    ) -> Result<Option<customer_ticket::Model>, DbErr> {
        let before = TenantStore::<_, customer_ticket::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(customer_ticket::Column::TicketId.eq(data.ticket_id))
            .one(self.conn)
            .await?;
        let row = customer_ticket::ActiveModel::from(customer_ticket::Model {
            ticket_id: data.ticket_id,
            tenant_id: self.tenant.uuid(),
            customer_id: data.customer_id,
            number: data.number,
            subject: data.subject.clone(),
            kind: data.kind.clone(),
            status: data.status.clone(),
            channel: data.channel.clone(),
            opened_at: data.created_at,
            solved_at: data.solved_at,
            updated_at: now,
        });
        use customer_ticket::Column as T;
        customer_ticket::Entity::insert(row)
            .on_conflict(
                OnConflict::column(T::TicketId)
                    .update_columns([
                        T::CustomerId,
                        T::Number,
                        T::Subject,
                        T::Kind,
                        T::Status,
                        T::Channel,
                        T::SolvedAt,
                        T::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(self.conn)
            .await?;
        Ok(before)
    }

    /// A customer's tickets that still need work, newest first.
    pub async fn open_tickets(&self, customer: Uuid) -> Result<Vec<customer_ticket::Model>, DbErr> {
        TenantStore::<_, customer_ticket::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(customer_ticket::Column::CustomerId.eq(customer))
            .filter(customer_ticket::Column::Status.is_in(UNSOLVED))
            .order_by_desc(customer_ticket::Column::OpenedAt)
            .all(self.conn)
            .await
    }

    /// Records a survey response's scores (again is fine).
    pub async fn record_score(
        &self,
        customer: Uuid,
        response: &ResponseData,
        at: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        let row = customer_score::ActiveModel::from(customer_score::Model {
            response_id: response.response_id,
            tenant_id: self.tenant.uuid(),
            customer_id: customer,
            ticket_id: response.ticket_id,
            csat: response.scores.csat,
            nps: response.scores.nps,
            ces: response.scores.ces,
            at,
        });
        customer_score::Entity::insert(row)
            .on_conflict(
                OnConflict::column(customer_score::Column::ResponseId)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(self.conn)
            .await?;
        Ok(())
    }

    /// A customer's survey scores, newest first.
    pub async fn scores(&self, customer: Uuid) -> Result<Vec<customer_score::Model>, DbErr> {
        TenantStore::<_, customer_score::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(customer_score::Column::CustomerId.eq(customer))
            .order_by_desc(customer_score::Column::At)
            .all(self.conn)
            .await
    }
}
