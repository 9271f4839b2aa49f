//! Care plans at work: their occurrences are materialised a year ahead as follow-ups,
//! and each one that comes due is announced exactly once (`customer.followup_due`).

use kefu_platform::TenantScope;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use kefu_events::catalogue::customers::{CustomerFollowupDue, FollowupDueData};
use kefu_platform::ApiError;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::domain::recurrence::occurrences;
use crate::events::emit;
use crate::store::customers::CustomerStore;
use crate::store::entities::{care_plan, follow_up};
use crate::store::id_at;

/// How far ahead occurrences are materialised.
pub fn horizon() -> Duration {
    Duration::days(366)
}

/// The local start of a plan as stored (`YYYY-MM-DDTHH:MM`).
pub fn parse_local(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()
}

/// Materialises the plan's occurrences up to `now` + the horizon; how many were added.
pub async fn materialize<C: ConnectionTrait>(
    conn: &C,
    plan: &care_plan::Model,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let until = now + horizon();
    if !plan.active || plan.materialized_until >= until {
        return Ok(0);
    }
    let zone: chrono_tz::Tz = plan.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let Some(start) = parse_local(&plan.starts_at) else {
        return Ok(0);
    };
    let due = occurrences(&plan.rule, start, zone, plan.materialized_until, until, 400)
        .unwrap_or_default();
    let added = due.len();
    if !due.is_empty() {
        let rows = due.into_iter().map(|at| {
            follow_up::ActiveModel::from(follow_up::Model {
                id: id_at(at),
                tenant_id: plan.tenant_id,
                plan_id: plan.id,
                customer_id: plan.customer_id,
                due_at: at,
                status: "scheduled".into(),
                announced_at: None,
                outcome: None,
                completed_by: None,
                completed_at: None,
                version: 1,
            })
        });
        follow_up::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([follow_up::Column::PlanId, follow_up::Column::DueAt])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    care_plan::Entity::update_many()
        .col_expr(care_plan::Column::MaterializedUntil, Expr::value(until))
        .filter(care_plan::Column::Id.eq(plan.id))
        .exec(conn)
        .await?;
    Ok(added)
}

/// Announces one due follow-up unless another run already did; whether this one did.
async fn announce(
    db: &DatabaseConnection,
    outbox: &kefu_events::Outbox,
    due: follow_up::Model,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let scope = TenantScope::for_worker(due.tenant_id, "follow-up announcer");
    let announce = outbox.transaction::<_, bool, ApiError>(db, move |txn| {
        Box::pin(async move {
            // The status moves once: only the run that moves it announces.
            let moved = follow_up::Entity::update_many()
                .col_expr(follow_up::Column::Status, Expr::value("due"))
                .col_expr(follow_up::Column::AnnouncedAt, Expr::value(now))
                .filter(follow_up::Column::Id.eq(due.id))
                .filter(follow_up::Column::Status.eq("scheduled"))
                .exec(txn)
                .await?;
            if moved.rows_affected == 0 {
                return Ok(false);
            }
            let plan = care_plan::Entity::find_by_id(due.plan_id).one(txn).await?;
            let Some(plan) = plan else {
                return Ok(false);
            };
            let owner = CustomerStore::new(txn, scope.tenant())
                .get(due.customer_id)
                .await?
                .and_then(|c| c.owner_id);
            let data = FollowupDueData {
                occurrence_id: due.id,
                plan_id: plan.id,
                customer_id: due.customer_id,
                contact_id: plan.contact_id,
                owner_id: owner,
                channel: plan.channel.clone(),
                kind: plan.kind.clone(),
                template_id: plan.template_id,
                task: plan.task.clone(),
                due_at: due.due_at,
            };
            emit(txn, due.tenant_id, None, CustomerFollowupDue(data)).await?;
            Ok(true)
        })
    });
    scope.enter(announce).await.map_err(ApiError::from)
}

/// One run: materialise plans running short, then announce what has come due; how many
/// follow-ups were announced.
pub async fn run_once(
    db: &DatabaseConnection,
    outbox: &kefu_events::Outbox,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let short = care_plan::Entity::find()
        .filter(care_plan::Column::Active.eq(true))
        .filter(care_plan::Column::MaterializedUntil.lt(now + horizon() - Duration::days(1)))
        .limit(500)
        .all(db)
        .await?;
    for plan in &short {
        materialize(db, plan, now).await?;
    }
    let due = follow_up::Entity::find()
        .filter(follow_up::Column::Status.eq("scheduled"))
        .filter(follow_up::Column::DueAt.lte(now))
        .order_by_asc(follow_up::Column::DueAt)
        .limit(500)
        .all(db)
        .await?;
    let mut announced = 0;
    for occurrence in due {
        if announce(db, outbox, occurrence, now).await? {
            announced += 1;
        }
    }
    Ok(announced)
}

/// Runs the follow-ups every `every` until the task is dropped.
pub fn spawn_runs(
    db: DatabaseConnection,
    outbox: kefu_events::Outbox,
    clock: kefu_platform::clock::Clock,
    every: StdDuration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = run_once(&db, &outbox, clock.now()).await {
                tracing::warn!(%error, "running care plans failed");
            }
        }
    })
}
