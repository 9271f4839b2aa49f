//! Erasing a deleted tenant's data (accounts' `tenant.deleted`).

use sea_orm::{ConnectionTrait, DbErr, Statement, Value};
use uuid::Uuid;

/// Every tickets table holding tenant data, with its tenant column.
const TENANT_TABLES: &[(&str, &str)] = &[
    ("attachments", "tenant_id"),
    ("kb_ticket_links", "tenant_id"),
    ("kb_article_revisions", "tenant_id"),
    ("kb_articles", "tenant_id"),
    ("kb_categories", "tenant_id"),
    ("ticket_views", "tenant_id"),
    ("automation_firings", "tenant_id"),
    ("business_rules", "tenant_id"),
    ("macros", "tenant_id"),
    ("custom_fields", "tenant_id"),
    ("ticket_followers", "tenant_id"),
    ("ticket_links", "tenant_id"),
    ("ticket_steps", "tenant_id"),
    ("directory_customers", "tenant_id"),
    ("escalation_rules", "tenant_id"),
    ("agent_skills", "tenant_id"),
    ("dispatch_rules", "tenant_id"),
    ("ticket_sla_log", "tenant_id"),
    ("ticket_slas", "tenant_id"),
    ("sla_policies", "tenant_id"),
    ("calendars", "tenant_id"),
    ("ticket_history", "tenant_id"),
    ("ticket_comments", "tenant_id"),
    ("ticket_tags", "tenant_id"),
    ("tickets", "tenant_id"),
    ("ticket_counters", "tenant_id"),
    ("directory_users", "tenant_id"),
];

/// Deletes every row of `tenant`; returns how many went.
pub async fn purge<C: ConnectionTrait>(conn: &C, tenant: Uuid) -> Result<u64, DbErr> {
    let backend = conn.get_database_backend();
    let placeholder = if backend == sea_orm::DatabaseBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    super::kb::purge_search(conn, tenant).await?;
    let mut removed = 0;
    for (table, column) in TENANT_TABLES {
        let sql = format!("DELETE FROM {table} WHERE {column} = {placeholder}");
        let result = conn
            .execute(Statement::from_sql_and_values(
                backend,
                sql,
                [Value::from(tenant)],
            ))
            .await?;
        removed += result.rows_affected();
    }
    Ok(removed)
}
