//! The queries that read across tenants, for scanners only: each row they return names
//! its tenant, and the scanner acts on it through that tenant's stores.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::entities::business_rule;

/// Every tenant's active automations, in each tenant's order.
pub async fn active_automations<C: ConnectionTrait>(
    conn: &C,
) -> Result<Vec<business_rule::Model>, DbErr> {
    business_rule::Entity::find()
        .filter(business_rule::Column::Kind.eq("automation"))
        .filter(business_rule::Column::Active.eq(true))
        .order_by_asc(business_rule::Column::TenantId)
        .order_by_asc(business_rule::Column::Position)
        .order_by_asc(business_rule::Column::Id)
        .all(conn)
        .await
}
