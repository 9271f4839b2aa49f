//! Care plans and their follow-ups of one tenant.

use chrono::{DateTime, Utc};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{care_plan, follow_up};

/// What a follow-up list can be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    /// Of this customer.
    pub customer_id: Option<Uuid>,
    /// Of this plan.
    pub plan_id: Option<Uuid>,
    /// In this status.
    pub status: Option<String>,
}

/// Care plans and follow-ups of one tenant.
pub struct CareStore<'c, C> {
    conn: &'c C,
    tenant: TenantId,
}

impl<'c, C: ConnectionTrait> CareStore<'c, C> {
    /// The store of `tenant`.
    pub fn new(conn: &'c C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Writes a changed plan, bumping its version (a 412 if `if_match` or the stored
    /// version says someone saved it since it was read).
    pub async fn save_plan(
        &self,
        model: care_plan::Model,
        if_match: &IfMatch,
    ) -> Result<care_plan::Model, DbErr> {
        TenantStore::<_, care_plan::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await
    }

    /// Adds a new plan (of this tenant, whatever the model says).
    pub async fn insert_plan(&self, model: care_plan::Model) -> Result<care_plan::Model, DbErr> {
        self.plans_table().insert(model).await
    }

    /// Cancels the follow-ups of a plan that are still scheduled (a stopped plan).
    pub async fn cancel_scheduled(&self, plan: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, follow_up::Entity>::new(self.conn, self.tenant)
            .update_many()
            .col_expr(follow_up::Column::Status, Expr::value("cancelled"))
            .filter(follow_up::Column::PlanId.eq(plan))
            .filter(follow_up::Column::Status.eq("scheduled"))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Up to `limit` care plans, oldest first, optionally of one customer.
    pub async fn plans(
        &self,
        customer: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<care_plan::Model>, DbErr> {
        let mut select = self.plans_table().find();
        if let Some(customer) = customer {
            select = select.filter(care_plan::Column::CustomerId.eq(customer));
        }
        select
            .order_by_asc(care_plan::Column::Id)
            .limit(limit)
            .all(self.conn)
            .await
    }

    /// One care plan.
    pub async fn plan(&self, id: Uuid) -> Result<Option<care_plan::Model>, DbErr> {
        self.plans_table().get(id).await
    }

    /// A page of follow-ups (`limit + 1` rows), soonest due first: their ids are UUIDv7
    /// of the due time, so id order is due order.
    pub async fn follow_ups(
        &self,
        filter: FollowUpFilter,
        page: PageRequest,
    ) -> Result<Vec<follow_up::Model>, DbErr> {
        let mut select = self.follow_ups_table().find();
        if let Some(customer) = filter.customer_id {
            select = select.filter(follow_up::Column::CustomerId.eq(customer));
        }
        if let Some(plan) = filter.plan_id {
            select = select.filter(follow_up::Column::PlanId.eq(plan));
        }
        if let Some(status) = filter.status {
            select = select.filter(follow_up::Column::Status.eq(status));
        }
        if let Some(after) = page.after {
            select = select.filter(follow_up::Column::Id.gt(after));
        }
        select
            .order_by_asc(follow_up::Column::Id)
            .limit(page.limit + 1)
            .all(self.conn)
            .await
    }

    /// One follow-up.
    pub async fn follow_up(&self, id: Uuid) -> Result<Option<follow_up::Model>, DbErr> {
        self.follow_ups_table().get(id).await
    }

    fn plans_table(&self) -> TenantStore<'c, C, care_plan::Entity> {
        TenantStore::new(self.conn, self.tenant)
    }

    fn follow_ups_table(&self) -> TenantStore<'c, C, follow_up::Entity> {
        TenantStore::new(self.conn, self.tenant)
    }

    /// Writes a changed follow-up, bumping its version (a 412 if `if_match` or the
    /// stored version says someone saved it since it was read).
    pub async fn save_follow_up(
        &self,
        model: follow_up::Model,
        if_match: &IfMatch,
    ) -> Result<follow_up::Model, DbErr> {
        self.follow_ups_table().save(model, if_match).await
    }

    /// Adds the scheduled follow-ups that are not there yet (one per plan and due time).
    pub async fn add_follow_ups(&self, rows: Vec<follow_up::Model>) -> Result<(), DbErr> {
        if rows.is_empty() {
            return Ok(());
        }
        let rows = rows.into_iter().map(|mut row| {
            row.tenant_id = self.tenant.into();
            follow_up::ActiveModel::from(row)
        });
        follow_up::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([follow_up::Column::PlanId, follow_up::Column::DueAt])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(self.conn)
            .await?;
        Ok(())
    }

    /// Records that the plan's follow-ups exist up to `until`.
    pub async fn set_materialized_until(
        &self,
        plan: Uuid,
        until: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        self.plans_table()
            .update_many()
            .col_expr(care_plan::Column::MaterializedUntil, Expr::value(until))
            .filter(care_plan::Column::Id.eq(plan))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Moves a scheduled follow-up to due; false when it was not scheduled any more
    /// (another run announced it, or it was completed or cancelled).
    pub async fn mark_due(&self, id: Uuid, now: DateTime<Utc>) -> Result<bool, DbErr> {
        let moved = self
            .follow_ups_table()
            .update_many()
            .col_expr(follow_up::Column::Status, Expr::value("due"))
            .col_expr(follow_up::Column::AnnouncedAt, Expr::value(now))
            .filter(follow_up::Column::Id.eq(id))
            .filter(follow_up::Column::Status.eq("scheduled"))
            .exec(self.conn)
            .await?;
        Ok(moved.rows_affected > 0)
    }
}
