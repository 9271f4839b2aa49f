//! Platform operators (no tenant), created with `kefu operator create`.

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::operator;
use super::users::normalize_email;

/// Inserts an operator; the email is stored normalized, and a taken one is a
/// unique violation the caller maps (`kefu_platform::db::is_unique_violation`).
pub async fn create(
    conn: &impl ConnectionTrait,
    email: &str,
    name: &str,
    password_hash: String,
) -> Result<operator::Model, DbErr> {
    let model = operator::Model {
        id: Uuid::now_v7(),
        email: normalize_email(email),
        name: name.trim().to_string(),
        password_hash,
        failed_logins: 0,
        failed_window_start: None,
        locked_until: None,
        last_login_at: None,
        created_at: Utc::now(),
    };
    operator::Entity::insert(operator::ActiveModel::from(model.clone()))
        .exec(conn)
        .await?;
    Ok(model)
}

/// The operator with `email` (compared normalized), if any.
pub async fn find_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<operator::Model>, DbErr> {
    operator::Entity::find()
        .filter(operator::Column::Email.eq(normalize_email(email)))
        .one(conn)
        .await
}
