//! Every change of a tenant, user or team emits exactly one event through the outbox.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{events_of, operator_token, spawn_app, token_in, TestApp};

/// The types of `tenant`'s events after the first `skip`.
async fn types_after(app: &TestApp, tenant: Uuid, skip: usize) -> Vec<String> {
    events_of(app, tenant)
        .await
        .into_iter()
        .skip(skip)
        .map(|(kind, _)| kind)
        .collect()
}

/// The data of `tenant`'s last event.
async fn last_data(app: &TestApp, tenant: Uuid) -> Value {
    events_of(app, tenant).await.pop().unwrap().1
}

#[tokio::test]
async fn a_user_s_changes_each_emit_one_event_of_the_most_specific_type() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let signed_up = types_after(&app, tenant.id, 0).await;
    assert_eq!(signed_up, ["tenant.created", "user.created"]);
    let owner = app.as_token(&tenant.token);

    let created = owner
        .post(
            "/api/v1/users",
            &json!({"email": "ana@example.com", "name": "Ana", "roles": ["agent"], "password": crate::helpers::PASSWORD}),
        )
        .await
        .expect(201);
    let path = format!("/api/v1/users/{}", created["id"].as_str().unwrap());
    let data = last_data(&app, tenant.id).await;
    assert_eq!(data["user_id"], created["id"]);
    assert_eq!(data["roles"], json!(["agent"]));
    assert_eq!(data["status"], "active");

    owner
        .patch(&path, &json!({"name": "Ana Li"}))
        .await
        .expect(200);
    owner
        .patch(&path, &json!({"name": "Ana Li"}))
        .await
        .expect(200);
    owner
        .patch(&path, &json!({"phone": "+86 10 1234"}))
        .await
        .expect(200);
    owner
        .patch(&path, &json!({"roles": ["engineer"]}))
        .await
        .expect(200);
    owner
        .patch(&path, &json!({"roles": ["agent"], "status": "disabled"}))
        .await
        .expect(200);
    let disabled = last_data(&app, tenant.id).await;
    owner
        .patch(&path, &json!({"status": "active"}))
        .await
        .expect(200);

    assert_eq!(
        types_after(&app, tenant.id, 3).await,
        ["user.updated", "user.roles_changed", "user.disabled", "user.enabled"],
        "a rename, a no-op and a phone number no consumer sees, roles, then a disable with a role change"
    );
    assert_eq!(disabled["status"], "disabled");
    assert_eq!(disabled["roles"], json!(["agent"]));
    assert_eq!(disabled["name"], "Ana Li");
}

#[tokio::test]
async fn a_refused_change_emits_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let before = events_of(&app, tenant.id).await.len();

    // The last owner cannot give up the role: the whole change, event included, rolls back.
    app.as_token(&tenant.token)
        .patch(
            &format!("/api/v1/users/{}", tenant.owner_id),
            &json!({"roles": ["agent"]}),
        )
        .await
        .expect(409);

    assert_eq!(events_of(&app, tenant.id).await.len(), before);
}

#[tokio::test]
async fn an_invited_user_is_created_then_updated_when_they_accept() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let invited = app
        .as_token(&tenant.token)
        .post(
            "/api/v1/users",
            &json!({"email": "ivy@example.com", "name": "Ivy", "roles": ["agent"], "team_ids": []}),
        )
        .await
        .expect(201);
    assert_eq!(last_data(&app, tenant.id).await["status"], "invited");
    let mail = app.wait_for_mail_file("ivy@example.com").await;

    app.client()
        .post(
            "/api/v1/user-invitations/accept",
            &json!({"token": token_in(&mail, "ki_"), "password": crate::helpers::PASSWORD}),
        )
        .await
        .expect(200);

    let events = events_of(&app, tenant.id).await;
    let (kind, data) = events.last().unwrap();
    assert_eq!(kind, "user.updated");
    assert_eq!(data["user_id"], invited["id"]);
    assert_eq!(data["status"], "active");
}

#[tokio::test]
async fn team_changes_emit_created_updated_members_changed_and_deleted() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    let (agent, _) = app.user(&tenant, &["agent"]).await;
    let skip = events_of(&app, tenant.id).await.len();

    let team = owner
        .post("/api/v1/teams", &json!({"name": "Level 1"}))
        .await
        .expect(201);
    let path = format!("/api/v1/teams/{}", team["id"].as_str().unwrap());
    owner
        .patch(&path, &json!({"name": "First line"}))
        .await
        .expect(200);
    owner
        .patch(&path, &json!({"description": "Phones and chat"}))
        .await
        .expect(200);
    owner
        .put(&format!("{path}/members"), &json!({"user_ids": [agent]}))
        .await
        .expect(200);
    owner.delete(&path).await.expect(204);

    assert_eq!(
        types_after(&app, tenant.id, skip).await,
        [
            "team.created",
            "team.updated",
            "team.members_changed",
            "team.deleted"
        ],
        "a description no consumer sees emits nothing"
    );
    let deleted = last_data(&app, tenant.id).await;
    assert_eq!(deleted["team_id"], team["id"]);
    assert_eq!(deleted["name"], "First line");
    assert_eq!(deleted["member_ids"], json!([agent]));
}

#[tokio::test]
async fn tenant_settings_and_operator_actions_emit_tenant_events() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let operator = app.as_token(&operator_token(&app).await);
    let platform = format!("/api/v1/platform/tenants/{}", tenant.id);

    app.as_token(&tenant.token)
        .patch("/api/v1/tenant", &json!({"time_zone": "Asia/Shanghai"}))
        .await
        .expect(200);
    app.as_token(&tenant.token)
        .patch("/api/v1/tenant", &json!({"locale": "zh-CN"}))
        .await
        .expect(200);
    operator
        .patch(&platform, &json!({"plan": "standard"}))
        .await
        .expect(200);
    operator
        .post(&format!("{platform}/suspend"), &json!({}))
        .await
        .expect(200);
    operator
        .post(&format!("{platform}/restore"), &json!({}))
        .await
        .expect(200);
    operator.delete(&platform).await.expect(204);

    assert_eq!(
        types_after(&app, tenant.id, 2).await,
        [
            "tenant.updated",
            "tenant.updated",
            "tenant.suspended",
            "tenant.restored",
            "tenant.deleted"
        ],
        "a locale no consumer sees emits nothing"
    );
    let deleted = last_data(&app, tenant.id).await;
    assert_eq!(deleted["status"], "deleted");
    assert_eq!(deleted["plan"], "standard");
    assert_eq!(deleted["time_zone"], "Asia/Shanghai");
}
