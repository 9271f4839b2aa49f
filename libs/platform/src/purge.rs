//! Erasing a deleted tenant (QUALITY 11): every table of the database with a
//! `tenant_id` column, found from the database's own catalogue as row-level security
//! finds them, so a table a later migration adds is purged without anyone listing it.
//!
//! These are cross-tenant statements by nature: they run as the service's own role,
//! from the `tenant.deleted` consumer or the operator's delete, never for a request.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};
use uuid::Uuid;

/// The tables (and virtual tables, on SQLite) that have a `tenant_id` column, by name.
pub async fn tenant_tables(conn: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT c.table_name AS name FROM information_schema.columns c \
             JOIN information_schema.tables t \
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.column_name = 'tenant_id' AND c.table_schema = current_schema() \
               AND t.table_type = 'BASE TABLE' ORDER BY 1"
        }
        _ => {
            "SELECT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name = 'tenant_id' ORDER BY 1"
        }
    };
    let rows = conn.query_all(Statement::from_string(backend, sql)).await?;
    rows.iter()
        .map(|row| row.try_get::<String>("", "name"))
        .collect()
}

/// Deletes every row of `tenant` from every tenant table; how many went.
pub async fn purge_tenant(conn: &impl ConnectionTrait, tenant: Uuid) -> Result<u64, DbErr> {
    let mut removed = 0;
    for table in tenant_tables(conn).await? {
        let (sql, values) = of_tenant(conn.get_database_backend(), "DELETE FROM", &table, tenant);
        removed += conn
            .execute(Statement::from_sql_and_values(
                conn.get_database_backend(),
                sql,
                values,
            ))
            .await?
            .rows_affected();
    }
    Ok(removed)
}

/// How many rows of `tenant` each tenant table holds (every table, zeros included).
pub async fn rows_of_tenant(
    conn: &impl ConnectionTrait,
    tenant: Uuid,
) -> Result<BTreeMap<String, i64>, DbErr> {
    let backend = conn.get_database_backend();
    let mut counts = BTreeMap::new();
    for table in tenant_tables(conn).await? {
        let (sql, values) = of_tenant(backend, "SELECT COUNT(*) AS n FROM", &table, tenant);
        let row = conn
            .query_one(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        let n = match row {
            Some(row) => row.try_get::<i64>("", "n")?,
            None => 0,
        };
        counts.insert(table, n);
    }
    Ok(counts)
}

/// `<verb> "<table>" WHERE` the row is `tenant`'s. On SQLite a UUID may be stored as
/// its bytes (how sea-orm binds one) or as text (full-text tables hold text only), so
/// both are matched.
fn of_tenant(backend: DbBackend, verb: &str, table: &str, tenant: Uuid) -> (String, Vec<Value>) {
    let table = table.replace('"', "\"\"");
    match backend {
        DbBackend::Postgres => (
            format!("{verb} \"{table}\" WHERE tenant_id = $1"),
            vec![Value::from(tenant)],
        ),
        _ => (
            format!("{verb} \"{table}\" WHERE tenant_id IN (?, ?)"),
            vec![Value::from(tenant), Value::from(tenant.to_string())],
        ),
    }
}
