//! The tenant's own settings.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn owner_reads_and_updates_settings_with_if_match() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);

    let current = owner.get("/api/v1/tenant").await.expect(200);
    assert_eq!(current["quotas"]["max_users"], 5);
    assert_eq!(current["quotas"]["requests_per_minute"], 120);
    let updated = owner
        .send(
            owner
                .request(reqwest::Method::PATCH, "/api/v1/tenant")
                .header("If-Match", "\"1\"")
                .json(&json!({"time_zone": "Asia/Shanghai", "locale": "zh-CN"})),
        )
        .await
        .expect(200);
    let stale = owner
        .send(
            owner
                .request(reqwest::Method::PATCH, "/api/v1/tenant")
                .header("If-Match", "\"1\"")
                .json(&json!({"name": "Lost"})),
        )
        .await;

    assert_eq!(updated["time_zone"], "Asia/Shanghai");
    assert_eq!(updated["version"], 2);
    stale.expect_problem(412, "version_mismatch");
    let bad = owner
        .patch("/api/v1/tenant", &json!({"time_zone": "Nowhere/Land"}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(bad["errors"][0]["field"], "time_zone");
}

#[tokio::test]
async fn an_agent_reads_but_cannot_change_settings() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let (_, agent) = app.user(&tenant, &["agent"]).await;

    app.as_token(&agent).get("/api/v1/tenant").await.expect(200);
    app.as_token(&agent)
        .patch("/api/v1/tenant", &json!({"name": "Mine now"}))
        .await
        .expect_problem(403, "insufficient_scope");
}
