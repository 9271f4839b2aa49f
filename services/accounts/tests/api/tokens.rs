//! The token endpoint: password, refresh rotation and reuse, lock-out, client credentials, keys.

use serde_json::json;

use crate::helpers::{spawn_app, PASSWORD};

#[tokio::test]
async fn wrong_password_is_invalid_grant_in_rfc6749_form() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;

    let response = app
        .login(&tenant.slug, &tenant.owner_email, "not the password at all")
        .await;

    let body = response.expect(400);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(
        response.header("cache-control").as_deref(),
        Some("no-store")
    );
    let unknown = app
        .login(&tenant.slug, "nobody@x.example", PASSWORD)
        .await
        .expect(400);
    assert_eq!(
        unknown, body,
        "an unknown user looks exactly like a wrong password"
    );
}

#[tokio::test]
async fn five_failures_lock_the_account_even_for_the_right_password() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;

    for _ in 0..5 {
        app.login(&tenant.slug, &tenant.owner_email, "wrong password here")
            .await
            .expect(400);
    }
    let locked = app.login(&tenant.slug, &tenant.owner_email, PASSWORD).await;

    // A locked account looks exactly like a wrong password, so lock-out reveals nothing.
    let body = locked.expect(400);
    assert_eq!(body["error"], "invalid_grant");
    let wrong = app
        .login(&tenant.slug, &tenant.owner_email, "wrong password here")
        .await
        .expect(400);
    assert_eq!(body, wrong);
    assert!(locked.header("retry-after").is_none());
    let audit = app
        .as_token(&tenant.token)
        .get("/api/v1/audit-log?action=login.locked")
        .await
        .expect(200);
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let refresh = |token: String| {
        let client = app.client();
        async move {
            client
                .post_form(
                    "/oauth/token",
                    &[("grant_type", "refresh_token"), ("refresh_token", &token)],
                )
                .await
        }
    };

    let second = refresh(tenant.refresh_token.clone()).await.expect(200);
    let second_refresh = second["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(second_refresh, tenant.refresh_token);
    app.as_token(second["access_token"].as_str().unwrap())
        .get("/api/v1/users/me")
        .await
        .expect(200);

    // The first token is presented again: it leaked, so the whole family dies.
    let reuse = refresh(tenant.refresh_token.clone()).await.expect(400);
    assert_eq!(reuse["error"], "invalid_grant");
    refresh(second_refresh).await.expect(400);
    app.as_token(second["access_token"].as_str().unwrap())
        .get("/api/v1/users/me")
        .await
        .expect_problem(401, "unauthenticated");
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let me = app.as_token(&tenant.token);

    me.post("/api/v1/users/me/logout", &json!({}))
        .await
        .expect(204);

    me.get("/api/v1/users/me")
        .await
        .expect_problem(401, "unauthenticated");
    let refresh = app
        .client()
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &tenant.refresh_token),
            ],
        )
        .await;
    refresh.expect(400);
}

#[tokio::test]
async fn unsupported_and_incomplete_grants_are_rfc6749_errors() {
    let app = spawn_app().await;
    let client = app.client();
    assert_eq!(
        client
            .post_form("/oauth/token", &[("grant_type", "implicit")])
            .await
            .expect(400)["error"],
        "unsupported_grant_type"
    );
    assert_eq!(
        client
            .post_form("/oauth/token", &[("grant_type", "password")])
            .await
            .expect(400)["error"],
        "invalid_request"
    );
    assert_eq!(
        client.post_form("/oauth/token", &[]).await.expect(400)["error"],
        "invalid_request"
    );
    // One over each documented maxLength is an invalid_request naming the field.
    for (name, max) in [
        ("username", 254),
        ("password", 256),
        ("tenant", 63),
        ("refresh_token", 200),
        ("scope", 1024),
        ("client_id", 100),
        ("client_secret", 200),
    ] {
        let value = "a".repeat(max + 1);
        let answer = client
            .post_form(
                "/oauth/token",
                &[("grant_type", "password"), (name, &value)],
            )
            .await
            .expect(400);
        assert_eq!(answer["error"], "invalid_request", "{name}");
        assert_eq!(
            answer["error_description"],
            format!("{name} must be at most {max} characters")
        );
    }
    assert_eq!(
        client
            .post_form("/oauth/token", &[("grant_type", "client_credentials")])
            .await
            .expect(401)["error"],
        "invalid_client"
    );
}

#[tokio::test]
async fn client_credentials_tokens_are_limited_to_the_clients_scopes() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let created = app
        .as_token(&tenant.token)
        .post(
            "/api/v1/api-clients",
            &json!({"name": "CRM sync", "scopes": ["accounts:read", "tickets:read"]}),
        )
        .await
        .expect(201);
    let client_id = created["client_id"].as_str().unwrap().to_string();
    let secret = created["client_secret"].as_str().unwrap().to_string();
    let client = app.client();

    let basic = client
        .send(
            client
                .request(reqwest::Method::POST, "/oauth/token")
                .basic_auth(&client_id, Some(&secret))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("scope", "accounts:read"),
                ]),
        )
        .await
        .expect(200);
    let too_much = client
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &client_id),
                ("client_secret", &secret),
                ("scope", "accounts:admin"),
            ],
        )
        .await
        .expect(400);
    let wrong_secret = client
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &client_id),
                ("client_secret", "ks_wrong"),
            ],
        )
        .await
        .expect(401);

    assert_eq!(basic["scope"], "accounts:read");
    assert!(basic.get("refresh_token").is_none());
    assert_eq!(too_much["error"], "invalid_scope");
    assert_eq!(wrong_secret["error"], "invalid_client");
    let token = basic["access_token"].as_str().unwrap();
    app.as_token(token).get("/api/v1/users").await.expect(200);
    app.as_token(token).get("/api/v1/roles").await.expect(200);
    app.as_token(token)
        .post("/api/v1/teams", &json!({"name": "Night shift"}))
        .await
        .expect_problem(403, "insufficient_scope");
    app.as_token(token)
        .get("/api/v1/users/me")
        .await
        .expect_problem(404, "not_found");
}

#[tokio::test]
async fn rotated_keys_keep_verifying_old_tokens() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let before = app.client().get("/.well-known/jwks.json").await.expect(200);
    assert_eq!(before["keys"].as_array().unwrap().len(), 1);

    let new_kid = app.state.keyring.rotate().await.unwrap();

    let after = app.client().get("/.well-known/jwks.json").await.expect(200);
    let kids: Vec<&str> = after["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids.len(), 2);
    assert!(kids.contains(&new_kid.as_str()));
    app.as_token(&tenant.token)
        .get("/api/v1/users/me")
        .await
        .expect(200);
    let fresh = app
        .login(&tenant.slug, &tenant.owner_email, PASSWORD)
        .await
        .expect(200);
    let header = jsonwebtoken::decode_header(fresh["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(header.kid.as_deref(), Some(new_kid.as_str()));
    assert_eq!(header.alg, jsonwebtoken::Algorithm::EdDSA);
}
