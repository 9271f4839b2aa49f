//! Whether a token's principal may still act: accounts owns tenants, sessions, users,
//! operators and clients, so it answers for every request.

use chrono::{DateTime, Utc};
use kefu_platform::auth::Claims;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use super::entities::{api_client, operator, session, tenant, user};

/// False for a token of a suspended or deleted tenant, a revoked or expired session, a
/// disabled user, a removed operator or a revoked client.
pub async fn is_live(
    conn: &impl ConnectionTrait,
    claims: &Claims,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if let Some(tid) = claims.tid {
        let tenant = tenant::Entity::find_by_id(tid).one(conn).await?;
        if tenant.is_none_or(|t| t.status != "active") {
            return Ok(false);
        }
    }
    match claims.sid {
        Some(sid) => {
            let session = session::Entity::find_by_id(sid).one(conn).await?;
            let live = session.is_some_and(|s| {
                s.revoked_at.is_none() && s.subject_id == claims.sub && s.expires_at > now
            });
            if !live {
                return Ok(false);
            }
            if claims.tid.is_some() {
                let user = user::Entity::find_by_id(claims.sub).one(conn).await?;
                if user.is_none_or(|u| u.status != "active") {
                    return Ok(false);
                }
            } else if operator::Entity::find_by_id(claims.sub)
                .one(conn)
                .await?
                .is_none()
            {
                return Ok(false);
            }
        }
        None => {
            let client = api_client::Entity::find_by_id(claims.sub).one(conn).await?;
            if client.is_none_or(|c| c.status != "active") {
                return Ok(false);
            }
        }
    }
    Ok(true)
}
