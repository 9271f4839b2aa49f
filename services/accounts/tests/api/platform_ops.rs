//! What platform operators do to tenants.

use serde_json::json;

use crate::helpers::{operator_token, spawn_app, PASSWORD};

fn claims_of(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn an_operator_moves_a_tenant_to_another_plan_and_new_tokens_carry_it() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let operator = app.as_token(&operator_token(&app).await);
    assert_eq!(claims_of(&tenant.token)["plan"], "free");
    let path = format!("/api/v1/platform/tenants/{}", tenant.id);

    let changed = operator
        .send(
            operator
                .request(reqwest::Method::PATCH, &path)
                .header("If-Match", "\"1\"")
                .json(&json!({"plan": "standard"})),
        )
        .await;
    let stale = operator
        .send(
            operator
                .request(reqwest::Method::PATCH, &path)
                .header("If-Match", "\"1\"")
                .json(&json!({"plan": "enterprise"})),
        )
        .await;
    let unknown = operator.patch(&path, &json!({"plan": "platinum"})).await;

    let body = changed.expect(200);
    assert_eq!(body["plan"], "standard");
    assert_eq!(body["quotas"]["max_users"], 50);
    stale.expect_problem(412, "version_mismatch");
    assert_eq!(
        unknown.expect_problem(422, "validation_failed")["errors"][0]["field"],
        "plan"
    );
    let fresh = app
        .login(&tenant.slug, &tenant.owner_email, PASSWORD)
        .await
        .expect(200);
    assert_eq!(
        claims_of(fresh["access_token"].as_str().unwrap())["plan"],
        "standard"
    );
    let audit = app
        .as_token(&tenant.token)
        .get("/api/v1/audit-log?action=tenant.plan_changed")
        .await
        .expect(200);
    assert_eq!(audit["items"][0]["details"]["to"], "standard");
}

#[tokio::test]
async fn a_deleted_tenant_is_marked_and_cannot_log_in() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let other = app.tenant().await;
    app.user(&tenant, &["agent"]).await;
    app.user(&other, &["agent"]).await;
    let operator = app.as_token(&operator_token(&app).await);

    operator
        .delete(&format!("/api/v1/platform/tenants/{}", tenant.id))
        .await
        .expect(204);

    let view = operator
        .get(&format!("/api/v1/platform/tenants/{}", tenant.id))
        .await
        .expect(200);
    assert_eq!(view["status"], "deleted");
    assert!(view["deleted_at"].is_string());
    app.login(&tenant.slug, &tenant.owner_email, PASSWORD)
        .await
        .expect(400);
    app.as_token(&tenant.token)
        .get("/api/v1/users/me")
        .await
        .expect(401);
    let listed = operator
        .get("/api/v1/platform/tenants?status=deleted")
        .await
        .expect(200);
    assert_eq!(listed["items"][0]["id"], tenant.id.to_string());
    // Its people are erased from accounts; the other tenant keeps everything.
    let users_of = |id: uuid::Uuid| {
        use kefu_accounts::store::entities::user;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let db = app.state.db.clone();
        async move {
            user::Entity::find()
                .filter(user::Column::TenantId.eq(id))
                .count(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(users_of(tenant.id).await, 0);
    assert_eq!(users_of(other.id).await, 2);
    let kept = app
        .as_token(&other.token)
        .get("/api/v1/audit-log?limit=100")
        .await
        .expect(200);
    assert!(!kept["items"].as_array().unwrap().is_empty());
}

/// QUALITY 11: deleting a tenant erases its rows from every table of the accounts
/// database (found from its schema) but the audit entry that records the deletion, and
/// no row of another tenant.
#[tokio::test]
async fn a_deleted_tenant_leaves_no_row_in_any_table_and_another_keeps_all_of_its_rows() {
    use kefu_testkit::purge::{assert_populated, assert_purged, rows_of};
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let other = app.tenant().await;
    for t in [&tenant, &other] {
        let owner = app.as_token(&t.token);
        let (agent, _) = app.user(t, &["agent"]).await;
        let team = owner
            .post("/api/v1/teams", &serde_json::json!({"name": "After-sales"}))
            .await
            .expect(201);
        owner
            .put(
                &format!("/api/v1/teams/{}/members", team["id"].as_str().unwrap()),
                &serde_json::json!({"user_ids": [agent]}),
            )
            .await
            .expect(200);
        owner
            .post(
                "/api/v1/roles",
                &serde_json::json!({"key": "night", "name": "Night", "scopes": ["tickets:read"]}),
            )
            .await
            .expect(201);
        owner
            .post(
                "/api/v1/api-clients",
                &serde_json::json!({"name": "Sync", "scopes": ["accounts:read"]}),
            )
            .await
            .expect(201);
        owner
            .post(
                "/api/v1/user-invitations",
                &serde_json::json!({"email": "new@example.com", "name": "New", "roles": ["agent"]}),
            )
            .await
            .expect(201);
    }
    let before = rows_of(&app.state.db, other.id).await;
    assert_populated(&rows_of(&app.state.db, tenant.id).await, 7);
    assert_populated(&before, 7);
    let operator = app.as_token(&operator_token(&app).await);

    operator
        .delete(&format!("/api/v1/platform/tenants/{}", tenant.id))
        .await
        .expect(204);

    assert_purged(
        &app.state.db,
        tenant.id,
        &[("audit_log", 1)],
        other.id,
        &before,
    )
    .await;
}
