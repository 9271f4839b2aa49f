//! Failed-login counters, changed atomically: parallel guesses must all count.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use super::entities::{operator, user};
use crate::domain::lockout::{Counters, LockoutPolicy};

/// Counts one failed login of a user under a row lock; returns the lock it started, if any.
pub async fn user_failed(
    db: &DatabaseConnection,
    policy: &LockoutPolicy,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<u64>, DbErr> {
    let txn = db.begin().await?;
    let Some(row) = user::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let current = Counters {
        failures: row.failed_logins,
        window_start: row.failed_window_start,
        locked_until: row.locked_until,
    };
    let after = policy.after_failure(&current, now);
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(after.failures))
        .col_expr(
            user::Column::FailedWindowStart,
            Expr::value(after.window_start),
        )
        .col_expr(user::Column::LockedUntil, Expr::value(after.locked_until))
        .filter(user::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(policy.locked_for(&after, now))
}

/// Clears a user's counters and records the login time, touching no other column.
pub async fn user_succeeded(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(
            user::Column::FailedWindowStart,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(user::Column::LastLoginAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Counts one failed login of an operator under a row lock; returns the lock it started, if any.
pub async fn operator_failed(
    db: &DatabaseConnection,
    policy: &LockoutPolicy,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<u64>, DbErr> {
    let txn = db.begin().await?;
    let Some(row) = operator::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let current = Counters {
        failures: row.failed_logins,
        window_start: row.failed_window_start,
        locked_until: row.locked_until,
    };
    let after = policy.after_failure(&current, now);
    operator::Entity::update_many()
        .col_expr(operator::Column::FailedLogins, Expr::value(after.failures))
        .col_expr(
            operator::Column::FailedWindowStart,
            Expr::value(after.window_start),
        )
        .col_expr(
            operator::Column::LockedUntil,
            Expr::value(after.locked_until),
        )
        .filter(operator::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(policy.locked_for(&after, now))
}

/// Clears an operator's counters and records the login time.
pub async fn operator_succeeded(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    operator::Entity::update_many()
        .col_expr(operator::Column::FailedLogins, Expr::value(0))
        .col_expr(
            operator::Column::FailedWindowStart,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            operator::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(operator::Column::LastLoginAt, Expr::value(now))
        .filter(operator::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
