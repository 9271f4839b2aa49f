//! Users: create, list, read, update with If-Match, disable, role escalation, quotas.

use serde_json::json;

use crate::helpers::{spawn_app, PASSWORD};

#[tokio::test]
async fn me_returns_the_caller() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;

    let me = app.as_token(&tenant.token).get("/api/v1/users/me").await;

    let body = me.expect(200);
    assert_eq!(body["id"], tenant.owner_id.to_string());
    assert_eq!(body["tenant_id"], tenant.id.to_string());
    assert_eq!(me.header("etag").as_deref(), Some("\"1\""));
}

#[tokio::test]
async fn idempotent_user_creation_creates_one_user() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    let body =
        json!({"email": "ana@x.example", "name": "Ana", "roles": ["agent"], "password": PASSWORD});
    let create = || {
        owner.send(
            owner
                .request(reqwest::Method::POST, "/api/v1/users")
                .header("Idempotency-Key", "create-ana")
                .json(&body),
        )
    };

    let first = create().await.expect(201);
    let second = create().await.expect(201);

    assert_eq!(first["id"], second["id"]);
    let list = owner
        .get("/api/v1/users?email=ana@x.example")
        .await
        .expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    owner
        .post("/api/v1/users", &body)
        .await
        .expect_problem(409, "email_taken");
}

#[tokio::test]
async fn list_is_paginated_by_cursor() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    for i in 0..3 {
        owner
            .post("/api/v1/users", &json!({"email": format!("u{i}@x.example"), "name": format!("User {i}"), "roles": ["agent"]}))
            .await
            .expect(201);
    }

    let first = owner.get("/api/v1/users?limit=2").await.expect(200);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = owner
        .get(&format!("/api/v1/users?limit=2&cursor={cursor}"))
        .await
        .expect(200);

    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
    assert!(second["next_cursor"].is_null());
    owner
        .get("/api/v1/users?limit=500")
        .await
        .expect_problem(422, "validation_failed");
    owner
        .get("/api/v1/users?cursor=garbage!")
        .await
        .expect_problem(422, "validation_failed");
    let bad_enum = owner
        .get("/api/v1/users?status=sleeping")
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(bad_enum["errors"][0]["field"], "status");
    // One over each documented maxLength is a 422 naming the parameter.
    for (query, field) in [
        (format!("cursor={}", "A".repeat(129)), "cursor"),
        (format!("role={}", "a".repeat(41)), "role"),
        (format!("email={}@x.example", "a".repeat(245)), "email"),
    ] {
        let problem = owner
            .get(&format!("/api/v1/users?{query}"))
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{query}");
    }
    owner
        .get(&format!("/api/v1/users?role={}", "a".repeat(40)))
        .await
        .expect(200);
    let long_role = owner
        .post(
            "/api/v1/users",
            &json!({"email": "long-role@x.example", "name": "Long", "roles": ["a".repeat(41)]}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(long_role["errors"][0]["field"], "roles[0]");
    let invited = owner.get("/api/v1/users?status=invited").await.expect(200);
    assert_eq!(invited["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn stale_if_match_is_412_and_fresh_one_updates() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    let (user_id, _) = app.user(&tenant, &["agent"]).await;
    let path = format!("/api/v1/users/{user_id}");

    let update = |etag: &'static str, name: &'static str| {
        owner.send(
            owner
                .request(reqwest::Method::PATCH, &path)
                .header("If-Match", etag)
                .json(&json!({"name": name})),
        )
    };
    let ok = update("\"1\"", "Renamed").await;
    let stale = update("\"1\"", "Lost update").await;

    assert_eq!(ok.expect(200)["version"], 2);
    assert_eq!(ok.header("etag").as_deref(), Some("\"2\""));
    stale.expect_problem(412, "version_mismatch");
    assert_eq!(owner.get(&path).await.expect(200)["name"], "Renamed");
    // If-Match longer than its documented maxLength (1024) is a 422 naming the header.
    let overlong = format!("\"2\"{}", ", \"2\"".repeat(205));
    assert_eq!(overlong.len(), 1028);
    let problem = owner
        .send(
            owner
                .request(reqwest::Method::PATCH, &path)
                .header("If-Match", overlong)
                .json(&json!({"name": "Too long a header"})),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "If-Match");
}

#[tokio::test]
async fn disabling_a_user_stops_their_tokens_and_logins() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let (user_id, user_token) = app.user(&tenant, &["agent"]).await;
    app.as_token(&user_token)
        .get("/api/v1/users/me")
        .await
        .expect(200);

    app.as_token(&tenant.token)
        .patch(
            &format!("/api/v1/users/{user_id}"),
            &json!({"status": "disabled"}),
        )
        .await
        .expect(200);

    app.as_token(&user_token)
        .get("/api/v1/users/me")
        .await
        .expect_problem(401, "unauthenticated");
    let users = app
        .as_token(&tenant.token)
        .get(&format!("/api/v1/users/{user_id}"))
        .await
        .expect(200);
    let login = app
        .login(&tenant.slug, users["email"].as_str().unwrap(), PASSWORD)
        .await
        .expect(400);
    assert_eq!(login["error"], "invalid_grant");
    let audit = app
        .as_token(&tenant.token)
        .get("/api/v1/audit-log?action=user.disabled")
        .await
        .expect(200);
    assert_eq!(audit["items"][0]["target_id"], user_id.to_string());
}

#[tokio::test]
async fn nobody_grants_scopes_they_do_not_hold() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let token = app
        .token_with_scopes(
            &tenant,
            tenant.owner_id,
            &["accounts:write", "accounts:read"],
        )
        .await;

    let response = app
        .as_token(&token)
        .post(
            "/api/v1/users",
            &json!({"email": "evil@x.example", "name": "Evil", "roles": ["owner"]}),
        )
        .await;

    response.expect_problem(403, "insufficient_scope");
}

#[tokio::test]
async fn the_last_owner_cannot_be_demoted_or_disabled() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let (second_owner, second_token) = app.user(&tenant, &["owner"]).await;
    let owner = app.as_token(&tenant.token);

    owner
        .patch(
            &format!("/api/v1/users/{second_owner}"),
            &json!({"roles": ["agent"]}),
        )
        .await
        .expect(200);
    let demote_last = owner
        .patch(
            &format!("/api/v1/users/{}", tenant.owner_id),
            &json!({"roles": ["agent"]}),
        )
        .await;
    let disable_self = owner
        .patch(
            &format!("/api/v1/users/{}", tenant.owner_id),
            &json!({"status": "disabled"}),
        )
        .await;

    demote_last.expect_problem(409, "last_owner");
    disable_self.expect_problem(409, "cannot_disable_self");
    let _ = second_token;
}

#[tokio::test]
async fn free_plan_allows_five_staff_users() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    for i in 0..4 {
        owner
            .post(
                "/api/v1/users",
                &json!({"email": format!("s{i}@x.example"), "name": "Staff"}),
            )
            .await
            .expect(201);
    }

    let sixth = owner
        .post(
            "/api/v1/users",
            &json!({"email": "s5@x.example", "name": "Staff"}),
        )
        .await;

    sixth.expect_problem(403, "quota_exceeded");
}

/// Issue 16, finding 9: disable a user, create another, re-enable the first, and the
/// free plan had six active staff users.
#[tokio::test]
async fn re_enabling_a_user_counts_against_the_plan() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    let mut staff = Vec::new();
    for i in 0..4 {
        let user = owner
            .post(
                "/api/v1/users",
                &json!({"email": format!("s{i}@x.example"), "name": "Staff"}),
            )
            .await
            .expect(201);
        staff.push(format!("/api/v1/users/{}", user["id"].as_str().unwrap()));
    }
    owner
        .patch(&staff[0], &json!({"status": "disabled"}))
        .await
        .expect(200);
    owner
        .post(
            "/api/v1/users",
            &json!({"email": "s5@x.example", "name": "Staff"}),
        )
        .await
        .expect(201);

    owner
        .patch(&staff[0], &json!({"status": "active"}))
        .await
        .expect_problem(403, "quota_exceeded");
    // With a seat free again, coming back works.
    owner
        .patch(&staff[1], &json!({"status": "disabled"}))
        .await
        .expect(200);
    owner
        .patch(&staff[0], &json!({"status": "active"}))
        .await
        .expect(200);
}

#[tokio::test]
async fn password_change_needs_the_current_one_and_logs_out_other_sessions() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let other_session = app
        .login(&tenant.slug, &tenant.owner_email, PASSWORD)
        .await
        .expect(200);
    let owner = app.as_token(&tenant.token);

    owner
        .post("/api/v1/users/me/password", &json!({"current_password": "wrong one entirely", "new_password": "a brand new passphrase"}))
        .await
        .expect_problem(422, "validation_failed");
    owner
        .post(
            "/api/v1/users/me/password",
            &json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"}),
        )
        .await
        .expect(204);

    owner.get("/api/v1/users/me").await.expect(200);
    app.as_token(other_session["access_token"].as_str().unwrap())
        .get("/api/v1/users/me")
        .await
        .expect(401);
    app.login(&tenant.slug, &tenant.owner_email, "a brand new passphrase")
        .await
        .expect(200);
    let sessions = owner.get("/api/v1/users/me/sessions").await.expect(200);
    assert!(sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["current"] == true));
}

#[tokio::test]
async fn nul_characters_are_a_422_naming_the_field_not_a_500() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);

    let body = owner
        .post(
            "/api/v1/users",
            &json!({"email": "nul@x.example", "name": "Nul\u{0}Name"}),
        )
        .await;
    let query = owner.get("/api/v1/users?email=a%00b").await;
    let form = app.login(&tenant.slug, "a\u{0}b@x.example", PASSWORD).await;

    let problem = body.expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "name");
    let problem = query.expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "email");
    assert_eq!(form.expect(400)["error"], "invalid_request");
}
