//! The queries that read across tenants, for the jobs only: each row they return names
//! its tenant, and the job acts on it through that tenant's scope and stores.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{agreement, care_plan, follow_up};

/// Up to 500 active agreements of every tenant whose end date is before `today` (as
/// text dates).
pub async fn agreements_ended_before<C: ConnectionTrait>(
    conn: &C,
    today: &str,
) -> Result<Vec<agreement::Model>, DbErr> {
    agreement::Entity::find()
        .filter(agreement::Column::Status.eq("active"))
        .filter(agreement::Column::EndsOn.is_not_null())
        .filter(agreement::Column::EndsOn.lt(today))
        .limit(500)
        .all(conn)
        .await
}

/// Up to 500 active care plans of every tenant materialised only until before `until`.
pub async fn plans_materialized_before<C: ConnectionTrait>(
    conn: &C,
    until: DateTime<Utc>,
) -> Result<Vec<care_plan::Model>, DbErr> {
    care_plan::Entity::find()
        .filter(care_plan::Column::Active.eq(true))
        .filter(care_plan::Column::MaterializedUntil.lt(until))
        .limit(500)
        .all(conn)
        .await
}

/// Up to 500 scheduled follow-ups of every tenant due by `now`, the soonest first.
pub async fn follow_ups_due<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
) -> Result<Vec<follow_up::Model>, DbErr> {
    follow_up::Entity::find()
        .filter(follow_up::Column::Status.eq("scheduled"))
        .filter(follow_up::Column::DueAt.lte(now))
        .order_by_asc(follow_up::Column::DueAt)
        .limit(500)
        .all(conn)
        .await
}
