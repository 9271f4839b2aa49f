//! Invitations: a single-use token sets the password.

use serde_json::json;

use crate::helpers::{spawn_app, token_in, PASSWORD};

#[tokio::test]
async fn an_invited_user_accepts_once_and_logs_in() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let invited = app
        .as_token(&tenant.token)
        .post(
            "/api/v1/user-invitations",
            &json!({"email": "new.agent@x.example", "name": "New Agent", "roles": ["agent"]}),
        )
        .await
        .expect(201);
    assert_eq!(invited["status"], "invited");
    let token = invited["invitation"]["token"].as_str().unwrap().to_string();
    app.login(&tenant.slug, "new.agent@x.example", PASSWORD)
        .await
        .expect(400);

    let accepted = app
        .client()
        .post(
            "/api/v1/user-invitations/accept",
            &json!({"token": token, "password": PASSWORD}),
        )
        .await;
    let again = app
        .client()
        .post(
            "/api/v1/user-invitations/accept",
            &json!({"token": token, "password": PASSWORD}),
        )
        .await;

    assert_eq!(accepted.expect(200)["status"], "active");
    again.expect_problem(404, "not_found");
    let tokens = app
        .login(&tenant.slug, "new.agent@x.example", PASSWORD)
        .await
        .expect(200);
    assert!(tokens["scope"].as_str().unwrap().contains("tickets:write"));
    let pending = app
        .as_token(&tenant.token)
        .get("/api/v1/user-invitations")
        .await
        .expect(200);
    assert!(pending["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn portal_users_carry_their_customer_and_do_not_use_staff_quota() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let customer_id = uuid::Uuid::now_v7();
    let invited = app
        .as_token(&tenant.token)
        .post(
            "/api/v1/user-invitations/portal",
            &json!({"email": "buyer@client.example", "name": "Buyer", "customer_id": customer_id}),
        )
        .await
        .expect(201);
    // The inviter never sees a portal invitation's token: only the customer's mailbox does.
    assert!(invited["invitation"].is_null(), "{invited}");
    let mail = app.wait_for_mail_file("buyer@client.example").await;
    let token = token_in(&mail, "ki_");
    app.client()
        .post(
            "/api/v1/user-invitations/accept",
            &json!({"token": token, "password": PASSWORD}),
        )
        .await
        .expect(200);

    let tokens = app
        .login(&tenant.slug, "buyer@client.example", PASSWORD)
        .await
        .expect(200);

    assert_eq!(tokens["scope"], "portal");
    let claims: serde_json::Value = {
        let payload = tokens["access_token"]
            .as_str()
            .unwrap()
            .split('.')
            .nth(1)
            .unwrap();
        use base64::Engine;
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(claims["cid"], customer_id.to_string());
    app.as_token(tokens["access_token"].as_str().unwrap())
        .get("/api/v1/users")
        .await
        .expect_problem(403, "insufficient_scope");
}
