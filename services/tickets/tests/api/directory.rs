//! Accounts' events feed the directories: who can be assigned, which tenants and users
//! may still act, and a deleted tenant's tickets are erased.

use kefu_events::catalogue::accounts::{
    TenantData, TenantDeleted, TenantRestored, TenantSuspended, TenantUpdated, UserCreated,
    UserData, UserDisabled,
};
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{
    create, embedded_bus, eventually, path, publish, redeliver, spawn_app_with_bus, AGENT,
};

fn user(id: Uuid, status: &str) -> UserData {
    UserData {
        user_id: id,
        email: "li.na@example.com".into(),
        name: "Li Na".into(),
        roles: vec!["agent".into()],
        team_ids: Vec::new(),
        status: status.into(),
        customer_id: None,
    }
}

fn tenant(id: Uuid, status: &str) -> TenantData {
    TenantData {
        tenant_id: id,
        slug: "acme".into(),
        name: "Acme".into(),
        plan: "free".into(),
        time_zone: "Asia/Shanghai".into(),
        status: status.into(),
    }
}

#[tokio::test]
async fn a_user_announced_by_accounts_becomes_assignable_until_disabled() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    let (_, client) = app.agent(AGENT).await;
    let ticket = create(&client, json!({"subject": "S"})).await;
    let at = path(&ticket);
    let newcomer = Uuid::now_v7();
    client
        .patch(&at, &json!({"assignee_id": newcomer}))
        .await
        .expect(422);

    let announced = publish(&bus, app.tenant, UserCreated(user(newcomer, "active"))).await;
    // The same event delivered twice has one effect.
    redeliver(&bus, &announced, "kefu.accounts").await;
    eventually("the user reaching the directory", async || {
        client
            .patch(&at, &json!({"assignee_id": newcomer}))
            .await
            .status
            .as_u16()
            == 200
    })
    .await;

    publish(&bus, app.tenant, UserDisabled(user(newcomer, "disabled"))).await;
    let newcomer_client = app.as_token(&app.token_of(app.tenant, newcomer, AGENT, None));
    eventually("the disabled user's token being refused", async || {
        newcomer_client.get("/api/v1/tickets").await.status.as_u16() == 401
    })
    .await;
    client
        .patch(&at, &json!({"assignee_id": null}))
        .await
        .expect(200);
    client
        .patch(&at, &json!({"assignee_id": newcomer}))
        .await
        .expect(422);
}

#[tokio::test]
async fn a_suspended_tenant_is_refused_until_restored_and_a_deleted_one_is_erased() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    let (_, client) = app.agent(AGENT).await;
    create(&client, json!({"subject": "S"})).await;

    publish(
        &bus,
        app.tenant,
        TenantSuspended(tenant(app.tenant, "suspended")),
    )
    .await;
    eventually("the suspended tenant's tokens being refused", async || {
        client.get("/api/v1/tickets").await.status.as_u16() == 401
    })
    .await;
    publish(
        &bus,
        app.tenant,
        TenantRestored(tenant(app.tenant, "active")),
    )
    .await;
    eventually("the restored tenant's tokens working again", async || {
        client.get("/api/v1/tickets").await.status.as_u16() == 200
    })
    .await;
    let renamed = TenantData {
        name: "Acme Renamed".into(),
        ..tenant(app.tenant, "active")
    };
    publish(&bus, app.tenant, TenantUpdated(renamed)).await;
    let db = app.state.db.clone();
    let tenant_id = app.tenant;
    eventually("the new name reaching the directory", async || {
        use kefu_tickets::store::entities::directory_tenant;
        use sea_orm::EntityTrait;
        directory_tenant::Entity::find_by_id(tenant_id)
            .one(&db)
            .await
            .unwrap()
            .is_some_and(|t| t.name == "Acme Renamed")
    })
    .await;
    client.get("/api/v1/tickets").await.expect(200);

    publish(
        &bus,
        app.tenant,
        TenantDeleted(tenant(app.tenant, "deleted")),
    )
    .await;
    eventually("the tenant's tickets being erased", async || {
        use kefu_tickets::store::entities::ticket;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        ticket::Entity::find()
            .filter(ticket::Column::TenantId.eq(tenant_id))
            .count(&db)
            .await
            .unwrap()
            == 0
    })
    .await;
}
