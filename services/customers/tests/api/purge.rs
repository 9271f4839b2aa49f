//! QUALITY 11: accounts' `tenant.deleted` erases every row of the tenant from every
//! table of the customers database (found from its schema), and no row of another tenant.

use kefu_events::catalogue::accounts::{TenantData, TenantDeleted, UserCreated, UserData};
use kefu_testkit::openapi::tenant_scopes;
use kefu_testkit::purge::{assert_populated, assert_purged, rows_of};

use crate::helpers::{embedded_bus, publish, spawn_app_with_bus, TestApp};
use crate::matrix::{fixture, operations};

/// A record behind every operation of the document, for the app's current tenant, and
/// a user in the directory accounts' events keep (names and emails: personal data too).
async fn populate(app: &TestApp, bus: &std::sync::Arc<dyn kefu_events::EventBus>) {
    let (_, owner) = app.staff(&tenant_scopes()).await;
    for op in operations() {
        fixture(&owner, &op.path).await;
    }
    publish(
        bus,
        app.tenant,
        UserCreated(UserData {
            user_id: uuid::Uuid::now_v7(),
            email: "wang.fang@acme.example".into(),
            name: "Wang Fang".into(),
            roles: vec!["agent".into()],
            team_ids: Vec::new(),
            status: "active".into(),
            customer_id: None,
        }),
    )
    .await;
    let (db, tenant) = (app.state.db.clone(), app.tenant);
    kefu_testkit::eventually("the directory user recorded", async || {
        rows_of(&db, tenant)
            .await
            .get("directory_users")
            .is_some_and(|&n| n > 0)
    })
    .await;
}

#[tokio::test]
async fn a_deleted_tenant_leaves_no_row_in_any_table_and_another_keeps_all_of_its_rows() {
    let bus = embedded_bus().await;
    let mut app = spawn_app_with_bus(Some(bus.clone())).await;
    let deleted = app.tenant;
    populate(&app, &bus).await;
    let other = uuid::Uuid::now_v7();
    app.tenant = other;
    populate(&app, &bus).await;
    let before = rows_of(&app.state.db, other).await;
    assert_populated(&rows_of(&app.state.db, deleted).await, 8);
    assert_populated(&before, 8);
    // Issue 16, finding 11: the directory of accounts' users is purged like the rest.
    assert!(
        before.get("directory_users").is_some_and(|&n| n > 0),
        "{before:?}"
    );

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
