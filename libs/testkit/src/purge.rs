//! QUALITY 11 as a reusable check: after a tenant's deletion, no table of the service's
//! database (found from its schema) holds a row of it, and another tenant keeps every row.

use std::collections::BTreeMap;

use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// How many rows of `tenant` each tenant table of `db` holds.
pub async fn rows_of(db: &DatabaseConnection, tenant: Uuid) -> BTreeMap<String, i64> {
    kefu_platform::purge::rows_of_tenant(db, tenant)
        .await
        .unwrap_or_else(|error| panic!("counting a tenant's rows: {error}"))
}

/// Asserts the fixtures gave both tenants rows in at least `tables` tables, so that the
/// purge check below proves something.
pub fn assert_populated(counts: &BTreeMap<String, i64>, tables: usize) {
    let filled: Vec<&String> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(t, _)| t)
        .collect();
    assert!(
        filled.len() >= tables,
        "only {} of {} tenant tables have rows ({filled:?}): the fixtures prove little",
        filled.len(),
        counts.len()
    );
}

/// Waits until `deleted` has no row in any table but those in `kept` (table, rows left
/// by design), then asserts `other` still has exactly the rows it had.
pub async fn assert_purged(
    db: &DatabaseConnection,
    deleted: Uuid,
    kept: &[(&str, i64)],
    other: Uuid,
    other_before: &BTreeMap<String, i64>,
) {
    let expected = |table: &str| {
        kept.iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, n)| *n)
    };
    let mut left = BTreeMap::new();
    for _ in 0..200 {
        left = rows_of(db, deleted).await;
        left.retain(|table, n| *n != expected(table));
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(left.is_empty(), "rows of the deleted tenant left: {left:?}");
    assert_eq!(
        &rows_of(db, other).await,
        other_before,
        "another tenant's rows changed"
    );
}
