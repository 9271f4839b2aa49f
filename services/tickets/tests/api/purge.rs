//! QUALITY 11: accounts' `tenant.deleted` erases every row of the tenant from every
//! table of the tickets database (found from its schema), and no row of another tenant.

use kefu_events::catalogue::accounts::{TenantData, TenantDeleted};
use kefu_testkit::openapi::tenant_scopes;
use kefu_testkit::purge::{assert_populated, assert_purged, rows_of};
use serde_json::json;

use crate::helpers::{embedded_bus, publish, spawn_app_with_bus, TestApp};
use crate::matrix::{fixture, operations};

/// A record behind every operation of the document, a comment and an SLA clock, for the
/// app's current tenant.
async fn populate(app: &TestApp) {
    app.seed_defaults("UTC").await;
    let (_, owner) = app.agent(&tenant_scopes()).await;
    for op in operations() {
        fixture(&owner, &op.path).await;
    }
    let ticket = owner
        .post(
            "/api/v1/tickets",
            &json!({"subject": "Printer jam", "priority": "high"}),
        )
        .await
        .expect(201);
    let at = format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap());
    owner
        .post(
            &format!("{at}/comments"),
            &json!({"body": "On it", "public": true}),
        )
        .await
        .expect(201);
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
    assert_populated(&rows_of(&app.state.db, deleted).await, 20);
    assert_populated(&before, 20);

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
