//! QUALITY 11: accounts' `tenant.deleted` erases every row of the tenant from every
//! table of the customers database (found from its schema), and no row of another tenant.

use kefu_events::catalogue::accounts::{TenantData, TenantDeleted};
use kefu_testkit::openapi::tenant_scopes;
use kefu_testkit::purge::{assert_populated, assert_purged, rows_of};

use crate::helpers::{embedded_bus, publish, spawn_app_with_bus, TestApp};
use crate::matrix::{fixture, operations};

/// A record behind every operation of the document, for the app's current tenant.
async fn populate(app: &TestApp) {
    let (_, owner) = app.staff(&tenant_scopes()).await;
    for op in operations() {
        fixture(&owner, &op.path).await;
    }
}

#[tokio::test]
async fn a_deleted_tenant_leaves_no_row_in_any_table_and_another_keeps_all_of_its_rows() {
    let bus = embedded_bus().await;
    let mut app = spawn_app_with_bus(Some(bus.clone())).await;
    let deleted = app.tenant;
    populate(&app).await;
    let other = uuid::Uuid::now_v7();
    app.tenant = other;
    populate(&app).await;
    let before = rows_of(&app.state.db, other).await;
    assert_populated(&rows_of(&app.state.db, deleted).await, 8);
    assert_populated(&before, 8);

    publish(
        &bus,
        deleted,
        TenantDeleted(TenantData {
            tenant_id: deleted,
            slug: "gone".into(),
            name: "Gone".into(),
            plan: "free".into(),
            time_zone: "UTC".into(),
            status: "deleted".into(),
        }),
    )
    .await;

    assert_purged(&app.state.db, deleted, &[], other, &before).await;
}
