//! Accounts' events feed the directories: who can be assigned, which tenants and users
//! may still act, and a deleted tenant's tickets are erased.

use std::sync::Arc;
use std::time::Duration;

use kefu_events::bus::{EventBus, Record};
use kefu_events::catalogue::accounts::{
    TenantData, TenantDeleted, TenantSuspended, UserCreated, UserData, UserDisabled,
};
use kefu_events::{EmbeddedLog, Envelope, Event};
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{create, path, spawn_app_with_bus, AGENT};

async fn embedded_bus() -> Arc<dyn EventBus> {
    let url = kefu_testkit::fresh_database_url("bus").await.unwrap();
    let url = if url.starts_with("sqlite") {
        url
    } else {
        // The embedded log is SQLite-only; the PostgreSQL run still uses a file.
        let dir = std::env::temp_dir().join("kefu-tests");
        std::fs::create_dir_all(&dir).unwrap();
        format!(
            "sqlite://{}/bus-{}.db?mode=rwc",
            dir.display(),
            Uuid::now_v7().simple()
        )
    };
    Arc::new(EmbeddedLog::open(&url, 3).await.unwrap())
}

async fn publish<E: Event>(bus: &Arc<dyn EventBus>, tenant: Uuid, event: E) -> Envelope {
    let envelope = Envelope::new(tenant, None, &event).unwrap();
    bus.publish(vec![Record {
        topic: kefu_events::topic_of(E::SERVICE),
        key: envelope.key(),
        payload: serde_json::to_vec(&envelope).unwrap(),
        headers: Vec::new(),
    }])
    .await
    .unwrap();
    envelope
}

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

/// Retries `check` until it holds (events arrive asynchronously).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} never happened");
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
    bus.publish(vec![Record {
        topic: "kefu.accounts".into(),
        key: announced.key(),
        payload: serde_json::to_vec(&announced).unwrap(),
        headers: Vec::new(),
    }])
    .await
    .unwrap();
    eventually("the user reaching the directory", || async {
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
    eventually("the disabled user's token being refused", || async {
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
async fn a_suspended_tenant_is_refused_and_a_deleted_one_is_erased() {
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
    eventually("the suspended tenant's tokens being refused", || async {
        client.get("/api/v1/tickets").await.status.as_u16() == 401
    })
    .await;

    publish(
        &bus,
        app.tenant,
        TenantDeleted(tenant(app.tenant, "deleted")),
    )
    .await;
    let db = app.state.db.clone();
    let tenant_id = app.tenant;
    eventually("the tenant's tickets being erased", || {
        let db = db.clone();
        async move {
            use kefu_tickets::store::entities::ticket;
            use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
            ticket::Entity::find()
                .filter(ticket::Column::TenantId.eq(tenant_id))
                .count(&db)
                .await
                .unwrap()
                == 0
        }
    })
    .await;
}
