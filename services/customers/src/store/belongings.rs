//! What hangs off a customer by its `customer_id`: moved as one when two records of a
//! customer merge.

use kefu_platform::ids::TenantId;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, QueryFilter};
use uuid::Uuid;

use super::entities::{
    agreement, care_plan, contact, customer_score, customer_ticket, follow_up, interaction,
    pain_point,
};

/// Re-points every row of `table`'s customer column from `from` to `to`.
macro_rules! repoint {
    ($txn:expr, $tenant:expr, $entity:ident, $from:expr, $to:expr) => {
        kefu_platform::store::TenantStore::<_, $entity::Entity>::new($txn, $tenant)
            .update_many()
            .col_expr($entity::Column::CustomerId, Expr::value($to))
            .filter($entity::Column::CustomerId.eq($from))
            .exec($txn)
            .await?
    };
}

/// Moves the contacts, interactions, agreements, pain points, tickets, survey scores,
/// care plans and follow-ups of customer `from` to customer `to` (value records merge
/// by year, in the merge itself).
pub async fn move_to(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    from: Uuid,
    to: Uuid,
) -> Result<(), DbErr> {
    repoint!(conn, tenant, contact, from, to);
    repoint!(conn, tenant, interaction, from, to);
    repoint!(conn, tenant, agreement, from, to);
    repoint!(conn, tenant, pain_point, from, to);
    repoint!(conn, tenant, customer_ticket, from, to);
    repoint!(conn, tenant, customer_score, from, to);
    repoint!(conn, tenant, care_plan, from, to);
    repoint!(conn, tenant, follow_up, from, to);
    Ok(())
}
