//! Calendars, SLA policies, and the SLA clocks and timeline of tickets.

use chrono::{DateTime, Utc};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::{calendar, sla_policy, ticket_sla, ticket_sla_log};

/// Calendars, policies and clocks of one tenant.
pub struct SlaStore<'a, C> {
    conn: &'a C,
    tenant: TenantId,
}

/// Inserts `model` (an active model of any entity) as-is.
macro_rules! insert {
    ($conn:expr, $entity:ident, $model:expr) => {
        $entity::Entity::insert($entity::ActiveModel::from($model))
            .exec_without_returning($conn)
            .await
            .map(|_| ())
    };
}

/// Writes every column of `model`, scoped to the tenant.
macro_rules! update {
    ($self:expr, $entity:ident, $model:expr) => {{
        let active = sea_orm::ActiveModelTrait::reset_all($entity::ActiveModel::from($model));
        $entity::Entity::update(active)
            .filter($entity::Column::TenantId.eq($self.tenant))
            .exec($self.conn)
            .await
    }};
}

impl<'a, C: ConnectionTrait> SlaStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// The connection or transaction the store runs on.
    pub fn conn(&self) -> &'a C {
        self.conn
    }

    /// The tenant's calendars, oldest first.
    pub async fn calendars(&self) -> Result<Vec<calendar::Model>, DbErr> {
        TenantStore::<_, calendar::Entity>::new(self.conn, self.tenant)
            .find()
            .order_by_asc(calendar::Column::Id)
            .all(self.conn)
            .await
    }

    /// One calendar.
    pub async fn calendar(&self, id: Uuid) -> Result<Option<calendar::Model>, DbErr> {
        TenantStore::<_, calendar::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(calendar::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// Adds a calendar.
    pub async fn insert_calendar(
        &self,
        mut model: calendar::Model,
    ) -> Result<calendar::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        insert!(self.conn, calendar, model.clone())?;
        Ok(model)
    }

    /// Saves a calendar, bumping its version (412 if it changed since it was read).
    pub async fn save_calendar(
        &self,
        mut model: calendar::Model,
        if_match: &IfMatch,
    ) -> Result<calendar::Model, DbErr> {
        model.updated_at = Utc::now();
        let model = TenantStore::<_, calendar::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await?;
        Ok(model)
    }

    /// Deletes a calendar.
    pub async fn delete_calendar(&self, id: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, calendar::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(calendar::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// The tenant's policies in matching order.
    pub async fn policies(&self) -> Result<Vec<sla_policy::Model>, DbErr> {
        TenantStore::<_, sla_policy::Entity>::new(self.conn, self.tenant)
            .find()
            .order_by_asc(sla_policy::Column::Position)
            .order_by_asc(sla_policy::Column::Id)
            .all(self.conn)
            .await
    }

    /// One policy.
    pub async fn policy(&self, id: Uuid) -> Result<Option<sla_policy::Model>, DbErr> {
        TenantStore::<_, sla_policy::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(sla_policy::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// Adds a policy.
    pub async fn insert_policy(
        &self,
        mut model: sla_policy::Model,
    ) -> Result<sla_policy::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        insert!(self.conn, sla_policy, model.clone())?;
        Ok(model)
    }

    /// Saves a policy as its next version (412 if it changed since it was read).
    pub async fn save_policy(
        &self,
        mut model: sla_policy::Model,
        if_match: &IfMatch,
    ) -> Result<sla_policy::Model, DbErr> {
        model.updated_at = Utc::now();
        let model = TenantStore::<_, sla_policy::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await?;
        Ok(model)
    }

    /// Deletes a policy (clocks it set keep their targets).
    pub async fn delete_policy(&self, id: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, sla_policy::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(sla_policy::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Whether a policy uses the calendar.
    pub async fn calendar_in_use(&self, calendar_id: Uuid) -> Result<bool, DbErr> {
        Ok(
            TenantStore::<_, sla_policy::Entity>::new(self.conn, self.tenant)
                .find()
                .filter(sla_policy::Column::CalendarId.eq(calendar_id))
                .one(self.conn)
                .await?
                .is_some(),
        )
    }

    /// One clock.
    pub async fn clock(&self, id: Uuid) -> Result<Option<ticket_sla::Model>, DbErr> {
        TenantStore::<_, ticket_sla::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket_sla::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// The clocks of a ticket.
    pub async fn clocks(&self, ticket_id: Uuid) -> Result<Vec<ticket_sla::Model>, DbErr> {
        TenantStore::<_, ticket_sla::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket_sla::Column::TicketId.eq(ticket_id))
            .order_by_asc(ticket_sla::Column::Id)
            .all(self.conn)
            .await
    }

    /// Adds a clock.
    pub async fn insert_clock(&self, mut model: ticket_sla::Model) -> Result<(), DbErr> {
        model.tenant_id = self.tenant.uuid();
        insert!(self.conn, ticket_sla, model)
    }

    /// Writes a clock.
    pub async fn save_clock(&self, model: ticket_sla::Model) -> Result<(), DbErr> {
        update!(self, ticket_sla, model)?;
        Ok(())
    }

    /// Appends to a ticket's SLA timeline.
    pub async fn log(
        &self,
        ticket_id: Uuid,
        metric: &str,
        kind: &str,
        detail: String,
        at: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        insert!(
            self.conn,
            ticket_sla_log,
            ticket_sla_log::Model {
                id: Uuid::now_v7(),
                tenant_id: self.tenant.uuid(),
                ticket_id,
                metric: metric.into(),
                kind: kind.into(),
                detail,
                at,
            }
        )
    }

    /// A ticket's SLA timeline, oldest first.
    pub async fn timeline(&self, ticket_id: Uuid) -> Result<Vec<ticket_sla_log::Model>, DbErr> {
        TenantStore::<_, ticket_sla_log::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket_sla_log::Column::TicketId.eq(ticket_id))
            .order_by_asc(ticket_sla_log::Column::Id)
            .all(self.conn)
            .await
    }
}
