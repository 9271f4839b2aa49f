//! Care plans and their follow-ups of one tenant.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, QueryFilter};
use uuid::Uuid;

use super::entities::{care_plan, follow_up};

/// Care plans and follow-ups of one tenant.
pub struct CareStore<'c, C> {
    conn: &'c C,
    tenant: Uuid,
}

impl<'c, C: ConnectionTrait> CareStore<'c, C> {
    /// The store of `tenant`.
    pub fn new(conn: &'c C, tenant: TenantId) -> Self {
        Self {
            conn,
            tenant: tenant.uuid(),
        }
    }

    /// Writes a changed plan, bumping its version (a 412 if `if_match` or the stored
    /// version says someone saved it since it was read).
    pub async fn save_plan(
        &self,
        model: care_plan::Model,
        if_match: &IfMatch,
    ) -> Result<care_plan::Model, DbErr> {
        TenantStore::<_, care_plan::Entity>::new(self.conn, TenantId::from(self.tenant))
            .save(model, if_match)
            .await
    }

    /// Cancels the follow-ups of a plan that are still scheduled (a stopped plan).
    pub async fn cancel_scheduled(&self, plan: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, follow_up::Entity>::new(self.conn, TenantId::from(self.tenant))
            .update_many()
            .col_expr(follow_up::Column::Status, Expr::value("cancelled"))
            .filter(follow_up::Column::PlanId.eq(plan))
            .filter(follow_up::Column::Status.eq("scheduled"))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Writes a changed follow-up, bumping its version (a 412 if someone saved it since).
    pub async fn save_follow_up(&self, model: follow_up::Model) -> Result<follow_up::Model, DbErr> {
        TenantStore::<_, follow_up::Entity>::new(self.conn, TenantId::from(self.tenant))
            .save(model, &IfMatch::Absent)
            .await
    }
}
