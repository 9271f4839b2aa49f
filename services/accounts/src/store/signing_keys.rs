//! Token signing keys at rest (sealed): the active one, the retired ones still in the
//! key set, and a rotation that retires the active key as it adds the next.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use super::entities::signing_key;

/// A key to add: its id, its sealed private key and its public half (base64url).
pub struct NewKey {
    /// Key id.
    pub kid: String,
    /// The private key, sealed with the master key.
    pub sealed: Vec<u8>,
    /// The public key, base64url.
    pub public_x: String,
}

/// The newest active key, if any.
pub async fn active(conn: &impl ConnectionTrait) -> Result<Option<signing_key::Model>, DbErr> {
    signing_key::Entity::find()
        .filter(signing_key::Column::Status.eq("active"))
        .order_by_desc(signing_key::Column::CreatedAt)
        .one(conn)
        .await
}

/// The keys that verify tokens: the active one and those retired after `cutoff`, newest first.
pub async fn verifying(
    conn: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<Vec<signing_key::Model>, DbErr> {
    signing_key::Entity::find()
        .filter(
            signing_key::Column::Status
                .eq("active")
                .or(signing_key::Column::RetiredAt.gt(cutoff)),
        )
        .order_by_desc(signing_key::Column::CreatedAt)
        .all(conn)
        .await
}

/// Retires the active key and adds `key` as the active one, in one transaction.
pub async fn rotate(
    conn: &(impl ConnectionTrait + TransactionTrait),
    key: NewKey,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = conn.begin().await?;
    signing_key::Entity::update_many()
        .col_expr(signing_key::Column::Status, Expr::value("retired"))
        .col_expr(signing_key::Column::RetiredAt, Expr::value(now))
        .filter(signing_key::Column::Status.eq("active"))
        .exec(&txn)
        .await?;
    signing_key::Entity::insert(signing_key::ActiveModel {
        kid: Set(key.kid),
        private_key_sealed: Set(key.sealed),
        public_x: Set(key.public_x),
        status: Set("active".into()),
        created_at: Set(now),
        retired_at: Set(None),
    })
    .exec(&txn)
    .await?;
    txn.commit().await
}
