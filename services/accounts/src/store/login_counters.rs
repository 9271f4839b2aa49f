//! Failed-login counters, changed atomically: parallel guesses must all count.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use super::entities::{operator, user};
use crate::domain::lockout::{Counters, LockoutPolicy};

/// A table whose rows log in and carry lock-out counters (users and operators).
trait LoginCounted: EntityTrait {
    const ID: Self::Column;
    const FAILED_LOGINS: Self::Column;
    const FAILED_WINDOW_START: Self::Column;
    const LOCKED_UNTIL: Self::Column;
    const LAST_LOGIN_AT: Self::Column;

    fn counters(row: &Self::Model) -> Counters;
}

impl LoginCounted for user::Entity {
    const ID: user::Column = user::Column::Id;
    const FAILED_LOGINS: user::Column = user::Column::FailedLogins;
    const FAILED_WINDOW_START: user::Column = user::Column::FailedWindowStart;
    const LOCKED_UNTIL: user::Column = user::Column::LockedUntil;
    const LAST_LOGIN_AT: user::Column = user::Column::LastLoginAt;

    fn counters(row: &user::Model) -> Counters {
        Counters {
            failures: row.failed_logins,
            window_start: row.failed_window_start,
            locked_until: row.locked_until,
        }
    }
}

impl LoginCounted for operator::Entity {
    const ID: operator::Column = operator::Column::Id;
    const FAILED_LOGINS: operator::Column = operator::Column::FailedLogins;
    const FAILED_WINDOW_START: operator::Column = operator::Column::FailedWindowStart;
    const LOCKED_UNTIL: operator::Column = operator::Column::LockedUntil;
    const LAST_LOGIN_AT: operator::Column = operator::Column::LastLoginAt;

    fn counters(row: &operator::Model) -> Counters {
        Counters {
            failures: row.failed_logins,
            window_start: row.failed_window_start,
            locked_until: row.locked_until,
        }
    }
}

/// Counts one failed login under a row lock; returns the lock it started, if any.
async fn failed<E: LoginCounted>(
    db: &DatabaseConnection,
    policy: &LockoutPolicy,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<u64>, DbErr> {
    let txn = db.begin().await?;
    let Some(row) = E::find()
        .filter(E::ID.eq(id))
        .lock_exclusive()
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let after = policy.after_failure(&E::counters(&row), now);
    E::update_many()
        .col_expr(E::FAILED_LOGINS, Expr::value(after.failures))
        .col_expr(E::FAILED_WINDOW_START, Expr::value(after.window_start))
        .col_expr(E::LOCKED_UNTIL, Expr::value(after.locked_until))
        .filter(E::ID.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(policy.locked_for(&after, now))
}

/// Clears the counters and records the login time, touching no other column.
async fn succeeded<E: LoginCounted>(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    E::update_many()
        .col_expr(E::FAILED_LOGINS, Expr::value(0))
        .col_expr(
            E::FAILED_WINDOW_START,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(E::LOCKED_UNTIL, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(E::LAST_LOGIN_AT, Expr::value(now))
        .filter(E::ID.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Counts one failed login of a user under a row lock; returns the lock it started, if any.
pub async fn user_failed(
    db: &DatabaseConnection,
    policy: &LockoutPolicy,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<u64>, DbErr> {
    failed::<user::Entity>(db, policy, id, now).await
}

/// Clears a user's counters and records the login time, touching no other column.
pub async fn user_succeeded(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    succeeded::<user::Entity>(db, id, now).await
}

/// Counts one failed login of an operator under a row lock; returns the lock it started, if any.
pub async fn operator_failed(
    db: &DatabaseConnection,
    policy: &LockoutPolicy,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<u64>, DbErr> {
    failed::<operator::Entity>(db, policy, id, now).await
}

/// Clears an operator's counters and records the login time.
pub async fn operator_succeeded(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    succeeded::<operator::Entity>(db, id, now).await
}
