//! Tickets of one tenant: numbers, reads, filtered pages, versioned saves, tags.

use chrono::{DateTime, Utc};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use uuid::Uuid;

use super::entities::{ticket, ticket_counter, ticket_tag};
use crate::domain::ids::TicketId;

/// What a ticket list can be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// Any of these statuses.
    pub statuses: Vec<String>,
    /// Priority.
    pub priority: Option<String>,
    /// Type.
    pub kind: Option<String>,
    /// Assignee.
    pub assignee_id: Option<Uuid>,
    /// Only tickets nobody is assigned to.
    pub unassigned: bool,
    /// Team.
    pub team_id: Option<Uuid>,
    /// Customer.
    pub customer_id: Option<Uuid>,
    /// Requester (a portal user sees only these).
    pub requester_id: Option<Uuid>,
    /// Carries this tag.
    pub tag: Option<String>,
    /// Created at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Created before.
    pub created_to: Option<DateTime<Utc>>,
    /// Updated at or after.
    pub updated_from: Option<DateTime<Utc>>,
    /// Updated before.
    pub updated_to: Option<DateTime<Utc>>,
    /// Words in the subject or description.
    pub text: Option<String>,
    /// Only tickets with a step not done and due before this instant.
    pub steps_overdue_at: Option<DateTime<Utc>>,
}

/// The tickets of one tenant.
pub struct TicketStore<'a, C> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> TicketStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// The tenant's next ticket number; call inside the creating transaction.
    ///
    /// One upsert: on PostgreSQL the counter row stays locked until the transaction
    /// ends, so two creates never get the same number.
    pub async fn next_number(&self) -> Result<i64, DbErr> {
        ticket_counter::Entity::insert(ticket_counter::ActiveModel {
            tenant_id: sea_orm::Set(self.tenant.uuid()),
            last_number: sea_orm::Set(1),
        })
        .on_conflict(
            OnConflict::column(ticket_counter::Column::TenantId)
                .value(
                    ticket_counter::Column::LastNumber,
                    Expr::col((ticket_counter::Entity, ticket_counter::Column::LastNumber)).add(1),
                )
                .to_owned(),
        )
        .exec_without_returning(self.conn)
        .await?;
        let counter = ticket_counter::Entity::find_by_id(self.tenant)
            .one(self.conn)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("ticket counter".into()))?;
        Ok(counter.last_number)
    }

    /// One ticket of the tenant.
    pub async fn get(&self, id: TicketId) -> Result<Option<ticket::Model>, DbErr> {
        TenantStore::<_, ticket::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket::Column::Id.eq(id.uuid()))
            .one(self.conn)
            .await
    }

    /// Every ticket of a customer, or only its unsolved ones.
    pub async fn of_customer(
        &self,
        customer: Uuid,
        only: Option<&[&str]>,
    ) -> Result<Vec<ticket::Model>, DbErr> {
        let mut query = TenantStore::<_, ticket::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket::Column::CustomerId.eq(customer));
        if let Some(statuses) = only {
            query = query.filter(ticket::Column::Status.is_in(statuses.iter().copied()));
        }
        query.all(self.conn).await
    }

    /// A page of tickets matching `filter`, newest first.
    pub async fn list(
        &self,
        filter: &TicketFilter,
        page: PageRequest,
    ) -> Result<Vec<ticket::Model>, DbErr> {
        use ticket::Column as T;
        let mut query = self.filtered(filter);
        if let Some(after) = page.after {
            query = query.filter(T::Id.lt(after));
        }
        query
            .order_by_desc(T::Id)
            .limit(page.limit + 1)
            .all(self.conn)
            .await
    }

    /// How many tickets match `filter` (a view's count).
    pub async fn count(&self, filter: &TicketFilter) -> Result<u64, DbErr> {
        use sea_orm::PaginatorTrait;
        self.filtered(filter).count(self.conn).await
    }

    /// The tenant's tickets narrowed by `filter`.
    fn filtered(&self, filter: &TicketFilter) -> sea_orm::Select<ticket::Entity> {
        use ticket::Column as T;
        let mut query = TenantStore::<_, ticket::Entity>::new(self.conn, self.tenant).find();
        if !filter.statuses.is_empty() {
            query = query.filter(T::Status.is_in(filter.statuses.clone()));
        }
        if let Some(priority) = &filter.priority {
            query = query.filter(T::Priority.eq(priority.clone()));
        }
        if let Some(kind) = &filter.kind {
            query = query.filter(T::Kind.eq(kind.clone()));
        }
        if let Some(assignee) = filter.assignee_id {
            query = query.filter(T::AssigneeId.eq(assignee));
        }
        if filter.unassigned {
            query = query.filter(T::AssigneeId.is_null());
        }
        if let Some(team) = filter.team_id {
            query = query.filter(T::TeamId.eq(team));
        }
        if let Some(customer) = filter.customer_id {
            query = query.filter(T::CustomerId.eq(customer));
        }
        if let Some(requester) = filter.requester_id {
            query = query.filter(T::RequesterId.eq(requester));
        }
        if let Some(tag) = &filter.tag {
            let tagged = ticket_tag::Entity::find()
                .select_only()
                .column(ticket_tag::Column::TicketId)
                .filter(ticket_tag::Column::TenantId.eq(self.tenant))
                .filter(ticket_tag::Column::Tag.eq(tag.clone()))
                .into_query();
            query = query.filter(T::Id.in_subquery(tagged));
        }
        if let Some(from) = filter.created_from {
            query = query.filter(T::CreatedAt.gte(from));
        }
        if let Some(to) = filter.created_to {
            query = query.filter(T::CreatedAt.lt(to));
        }
        if let Some(from) = filter.updated_from {
            query = query.filter(T::UpdatedAt.gte(from));
        }
        if let Some(to) = filter.updated_to {
            query = query.filter(T::UpdatedAt.lt(to));
        }
        if let Some(text) = &filter.text {
            // Words, not substrings: the full-text index of each back-end.
            if self.conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
                query = query.filter(Expr::cust_with_values(
                    "to_tsvector('simple', \"tickets\".\"subject\" || ' ' || \"tickets\".\"description\") \
                     @@ plainto_tsquery('simple', $1)",
                    [text.clone()],
                ));
            } else {
                let words = super::kb::fts5_query(text);
                query = query.filter(Expr::cust_with_values(
                    "\"tickets\".\"id\" IN (SELECT ticket_id FROM tickets_fts WHERE tickets_fts MATCH ? AND tenant_id = ?)",
                    [sea_orm::Value::from(words), sea_orm::Value::from(self.tenant)],
                ));
            }
        }
        if let Some(now) = filter.steps_overdue_at {
            use super::entities::ticket_step;
            let overdue = ticket_step::Entity::find()
                .select_only()
                .column(ticket_step::Column::TicketId)
                .filter(ticket_step::Column::TenantId.eq(self.tenant))
                .filter(ticket_step::Column::DoneAt.is_null())
                .filter(ticket_step::Column::DueAt.lt(now))
                .into_query();
            query = query.filter(T::Id.in_subquery(overdue));
        }
        query
    }

    /// Inserts a new ticket of this tenant with its tags.
    pub async fn insert(&self, mut model: ticket::Model) -> Result<ticket::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        ticket::Entity::insert(ticket::ActiveModel::from(model.clone()))
            .exec(self.conn)
            .await?;
        self.set_tags(model.id, &super::decode_list(&model.tags))
            .await?;
        self.index_text(&model).await?;
        Ok(model)
    }

    /// Writes a changed ticket, bumping its version; `RecordNotUpdated` (a 412) if it
    /// was saved by someone else since it was read.
    pub async fn save(
        &self,
        mut model: ticket::Model,
        now: DateTime<Utc>,
    ) -> Result<ticket::Model, DbErr> {
        model.updated_at = now;
        let model = TenantStore::<_, ticket::Entity>::new(self.conn, self.tenant)
            .save(model, &IfMatch::Absent)
            .await?;
        self.set_tags(model.id, &super::decode_list(&model.tags))
            .await?;
        self.index_text(&model).await?;
        Ok(model)
    }

    /// Replaces the tag rows of a ticket.
    async fn set_tags(&self, ticket_id: Uuid, tags: &[String]) -> Result<(), DbErr> {
        TenantStore::<_, ticket_tag::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(ticket_tag::Column::TicketId.eq(ticket_id))
            .exec(self.conn)
            .await?;
        if tags.is_empty() {
            return Ok(());
        }
        let rows = tags.iter().map(|tag| ticket_tag::ActiveModel {
            tenant_id: sea_orm::Set(self.tenant.uuid()),
            tag: sea_orm::Set(tag.clone()),
            ticket_id: sea_orm::Set(ticket_id),
        });
        ticket_tag::Entity::insert_many(rows)
            .exec_without_returning(self.conn)
            .await?;
        Ok(())
    }

    /// Keeps SQLite's search table in step with a ticket (PostgreSQL indexes the row itself).
    async fn index_text(&self, model: &ticket::Model) -> Result<(), DbErr> {
        let backend = self.conn.get_database_backend();
        if backend == sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        self.conn
            .execute(sea_orm::Statement::from_sql_and_values(
                backend,
                "DELETE FROM tickets_fts WHERE ticket_id = ?",
                [sea_orm::Value::from(model.id)],
            ))
            .await?;
        self.conn
            .execute(sea_orm::Statement::from_sql_and_values(
                backend,
                "INSERT INTO tickets_fts (ticket_id, tenant_id, subject, description) VALUES (?, ?, ?, ?)",
                [
                    sea_orm::Value::from(model.id),
                    sea_orm::Value::from(self.tenant),
                    sea_orm::Value::from(model.subject.clone()),
                    sea_orm::Value::from(model.description.clone()),
                ],
            ))
            .await?;
        Ok(())
    }
}
