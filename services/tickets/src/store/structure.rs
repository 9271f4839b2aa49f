//! Steps, links and followers of tickets.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::entities::{ticket_comment, ticket_follower, ticket_link, ticket_step};

/// Steps, links and followers of one tenant's tickets.
pub struct StructureStore<'a, C> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> StructureStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// A ticket's steps in order.
    pub async fn steps(&self, ticket: Uuid) -> Result<Vec<ticket_step::Model>, DbErr> {
        TenantStore::<_, ticket_step::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket_step::Column::TicketId.eq(ticket))
            .order_by_asc(ticket_step::Column::Position)
            .order_by_asc(ticket_step::Column::Id)
            .all(self.conn)
            .await
    }

    /// One step of a ticket.
    pub async fn step(&self, ticket: Uuid, id: Uuid) -> Result<Option<ticket_step::Model>, DbErr> {
        TenantStore::<_, ticket_step::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket_step::Column::Id.eq(id))
            .filter(ticket_step::Column::TicketId.eq(ticket))
            .one(self.conn)
            .await
    }

    /// Adds a step.
    pub async fn insert_step(
        &self,
        mut model: ticket_step::Model,
    ) -> Result<ticket_step::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        ticket_step::Entity::insert(ticket_step::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// Saves a step, bumping its version (412 if it changed since it was read).
    pub async fn save_step(
        &self,
        model: ticket_step::Model,
        if_match: &IfMatch,
    ) -> Result<ticket_step::Model, DbErr> {
        let model = TenantStore::<_, ticket_step::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await?;
        Ok(model)
    }

    /// Every link touching a ticket, oldest first.
    pub async fn links(&self, ticket: Uuid) -> Result<Vec<ticket_link::Model>, DbErr> {
        TenantStore::<_, ticket_link::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(
                Condition::any()
                    .add(ticket_link::Column::SourceId.eq(ticket))
                    .add(ticket_link::Column::TargetId.eq(ticket)),
            )
            .order_by_asc(ticket_link::Column::Id)
            .all(self.conn)
            .await
    }

    /// Adds a link.
    pub async fn insert_link(
        &self,
        mut model: ticket_link::Model,
    ) -> Result<ticket_link::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        ticket_link::Entity::insert(ticket_link::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// Deletes a link.
    pub async fn delete_link(&self, id: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, ticket_link::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(ticket_link::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// The followers of a ticket.
    pub async fn followers(&self, ticket: Uuid) -> Result<Vec<Uuid>, DbErr> {
        let mut ids: Vec<Uuid> =
            TenantStore::<_, ticket_follower::Entity>::new(self.conn, self.tenant)
                .find()
                .filter(ticket_follower::Column::TicketId.eq(ticket))
                .all(self.conn)
                .await?
                .into_iter()
                .map(|f| f.user_id)
                .collect();
        ids.sort();
        Ok(ids)
    }

    /// Adds followers (ones already following are left as they are).
    pub async fn follow(&self, ticket: Uuid, users: &[Uuid]) -> Result<(), DbErr> {
        if users.is_empty() {
            return Ok(());
        }
        let rows = users.iter().map(|user| {
            ticket_follower::ActiveModel::from(ticket_follower::Model {
                tenant_id: self.tenant.uuid(),
                ticket_id: ticket,
                user_id: *user,
            })
        });
        ticket_follower::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    ticket_follower::Column::TenantId,
                    ticket_follower::Column::TicketId,
                    ticket_follower::Column::UserId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(self.conn)
            .await?;
        Ok(())
    }

    /// Replaces the followers of a ticket.
    pub async fn set_followers(&self, ticket: Uuid, users: &[Uuid]) -> Result<(), DbErr> {
        TenantStore::<_, ticket_follower::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(ticket_follower::Column::TicketId.eq(ticket))
            .exec(self.conn)
            .await?;
        self.follow(ticket, users).await
    }

    /// Moves the conversation of `from` onto `to` (a merge).
    pub async fn move_comments(&self, from: Uuid, to: Uuid) -> Result<(), DbErr> {
        ticket_comment::Entity::update_many()
            .col_expr(ticket_comment::Column::TicketId, Expr::value(to))
            .filter(ticket_comment::Column::TenantId.eq(self.tenant))
            .filter(ticket_comment::Column::TicketId.eq(from))
            .exec(self.conn)
            .await?;
        Ok(())
    }
}
