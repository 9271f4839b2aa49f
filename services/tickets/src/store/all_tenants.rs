//! The queries that read across tenants, for the jobs only: each row they return names
//! its tenant, and the job acts on it through that tenant's scope and stores.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::{business_rule, ticket, ticket_sla};

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

/// Open clocks of every tenant due (or at risk) by `now`, for the scanner.
pub async fn clocks_to_check<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<ticket_sla::Model>, DbErr> {
    ticket_sla::Entity::find()
        .filter(ticket_sla::Column::StoppedAt.is_null())
        .filter(ticket_sla::Column::BreachedAt.is_null())
        .filter(
            Condition::any()
                .add(ticket_sla::Column::DueAt.lte(now))
                .add(
                    Condition::all()
                        .add(ticket_sla::Column::AtRiskAt.lte(now))
                        .add(ticket_sla::Column::AtRiskSentAt.is_null()),
                ),
        )
        .order_by_asc(ticket_sla::Column::DueAt)
        .limit(limit)
        .all(conn)
        .await
}

/// Up to `limit` tickets of every tenant solved before `cutoff`, the oldest first.
pub async fn solved_before<C: ConnectionTrait>(
    conn: &C,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<ticket::Model>, DbErr> {
    ticket::Entity::find()
        .filter(ticket::Column::Status.eq("solved"))
        .filter(ticket::Column::SolvedAt.lte(cutoff))
        .order_by_asc(ticket::Column::SolvedAt)
        .limit(limit)
        .all(conn)
        .await
}
