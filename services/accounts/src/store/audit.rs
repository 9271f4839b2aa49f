//! The audit log: security-relevant actions, written in the same transaction as the change.

use chrono::Utc;
use kefu_platform::ids::TenantId;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::entities::audit_entry;
use kefu_platform::pagination::PageRequest;

/// One action to record.
#[derive(Debug, Clone, Default)]
pub struct AuditRecord {
    /// The tenant it happened in (none for platform-level actions).
    pub tenant_id: Option<Uuid>,
    /// Who did it (none when anonymous, e.g. a failed login).
    pub actor_id: Option<Uuid>,
    /// What happened, e.g. `login.failed`, `user.roles_changed`.
    pub action: &'static str,
    /// Kind of the target, e.g. `user`.
    pub target_type: Option<&'static str>,
    /// Id of the target.
    pub target_id: Option<Uuid>,
    /// Client address.
    pub ip: Option<String>,
    /// Extra facts (never secrets).
    pub details: serde_json::Value,
}

/// Appends one entry.
pub async fn record(conn: &impl ConnectionTrait, entry: AuditRecord) -> Result<(), DbErr> {
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(entry.tenant_id),
        actor_id: Set(entry.actor_id),
        action: Set(entry.action.to_string()),
        target_type: Set(entry.target_type.map(String::from)),
        target_id: Set(entry.target_id),
        ip: Set(entry.ip),
        details: Set(entry.details.to_string()),
        created_at: Set(Utc::now()),
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// Filters of the audit-log list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<String>,
    /// Only this actor.
    pub actor_id: Option<Uuid>,
    /// Only this target.
    pub target_id: Option<Uuid>,
}

/// Lists a tenant's entries, newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Vec<audit_entry::Model>, DbErr> {
    let mut query =
        audit_entry::Entity::find().filter(audit_entry::Column::TenantId.eq(tenant.uuid()));
    if let Some(action) = &filter.action {
        query = query.filter(audit_entry::Column::Action.eq(action.clone()));
    }
    if let Some(actor) = filter.actor_id {
        query = query.filter(audit_entry::Column::ActorId.eq(actor));
    }
    if let Some(target) = filter.target_id {
        query = query.filter(audit_entry::Column::TargetId.eq(target));
    }
    if let Some(after) = page.after {
        query = query.filter(audit_entry::Column::Id.lt(after));
    }
    query
        .order_by_desc(audit_entry::Column::Id)
        .limit(page.limit + 1)
        .all(conn)
        .await
}
