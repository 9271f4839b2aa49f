//! Sign-up: one transaction, idempotent, validated field by field.

use serde_json::json;

use crate::helpers::{spawn_app, TestApp, PASSWORD};

#[tokio::test]
async fn sign_up_creates_tenant_and_owner_who_can_log_in() {
    let app = spawn_app().await;
    let slug = kefu_testkit::unique_slug("acme");

    let body = app
        .client()
        .post("/api/v1/tenants", &TestApp::signup_body(&slug))
        .await
        .expect(201);

    assert_eq!(body["tenant"]["slug"], slug);
    assert_eq!(body["tenant"]["status"], "active");
    assert_eq!(body["tenant"]["plan"], "free");
    assert_eq!(body["tenant"]["time_zone"], "Europe/Paris");
    assert_eq!(body["owner"]["roles"], json!(["owner"]));
    assert!(body["owner"].get("password_hash").is_none());
    let email = body["owner"]["email"].as_str().unwrap();
    let tokens = app.login(&slug, email, PASSWORD).await.expect(200);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    assert!(tokens["scope"].as_str().unwrap().contains("accounts:admin"));
}

#[tokio::test]
async fn sign_up_with_idempotency_key_replays_and_detects_a_different_body() {
    let app = spawn_app().await;
    let slug = kefu_testkit::unique_slug("idem");
    let body = TestApp::signup_body(&slug);
    let send = |body: serde_json::Value| {
        let client = app.client();
        async move {
            client
                .send(
                    client
                        .request(reqwest::Method::POST, "/api/v1/tenants")
                        .header("Idempotency-Key", "signup-1")
                        .json(&body),
                )
                .await
        }
    };

    let first = send(body.clone()).await;
    let second = send(body.clone()).await;
    let mut other = body.clone();
    other["tenant"]["name"] = json!("Another name");
    let third = send(other).await;

    first.expect(201);
    assert_eq!(second.status, 201);
    assert_eq!(second.text, first.text, "the replay is the first response");
    assert_eq!(
        second.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    third.expect_problem(422, "idempotency_key_reused");
}

#[tokio::test]
async fn concurrent_idempotent_sign_ups_create_one_tenant() {
    let app = spawn_app().await;
    let slug = kefu_testkit::unique_slug("race");
    let body = TestApp::signup_body(&slug);
    let requests = (0..5).map(|_| {
        let client = app.client();
        let body = body.clone();
        async move {
            client
                .send(
                    client
                        .request(reqwest::Method::POST, "/api/v1/tenants")
                        .header("Idempotency-Key", "race-key")
                        .json(&body),
                )
                .await
        }
    });
    let responses = futures_util::future::join_all(requests).await;

    let created: Vec<_> = responses.iter().filter(|r| r.status == 201).collect();
    assert!(!created.is_empty());
    for r in &created {
        assert_eq!(r.json()["tenant"]["id"], created[0].json()["tenant"]["id"]);
    }
    for r in &responses {
        assert!(
            r.status == 201 || r.status == 409,
            "unexpected {}: {}",
            r.status,
            r.text
        );
    }
}

#[tokio::test]
async fn duplicate_slug_is_a_conflict() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let mut body = TestApp::signup_body(&tenant.slug);
    body["owner"]["email"] = json!("someone.else@example.com");

    app.client()
        .post("/api/v1/tenants", &body)
        .await
        .expect_problem(409, "slug_taken");
}

#[tokio::test]
async fn bad_input_is_a_problem_naming_the_field() {
    let app = spawn_app().await;
    let slug = kefu_testkit::unique_slug("bad");
    let cases = [
        (
            "owner.email",
            json!({"tenant": {"name": "X", "slug": slug}, "owner": {"name": "O", "email": "not-an-email", "password": PASSWORD}}),
        ),
        (
            "owner.password",
            json!({"tenant": {"name": "X", "slug": slug}, "owner": {"name": "O", "email": "o@x.example", "password": "short"}}),
        ),
        (
            "owner.password",
            json!({"tenant": {"name": "X", "slug": slug}, "owner": {"name": "O", "email": "o@x.example", "password": "password123"}}),
        ),
        (
            "tenant.slug",
            json!({"tenant": {"name": "X", "slug": "Not A Slug"}, "owner": {"name": "O", "email": "o@x.example", "password": PASSWORD}}),
        ),
        (
            "tenant.name",
            json!({"tenant": {"name": "x".repeat(201), "slug": slug}, "owner": {"name": "O", "email": "o@x.example", "password": PASSWORD}}),
        ),
        (
            "tenant.time_zone",
            json!({"tenant": {"name": "X", "slug": slug, "time_zone": "Mars/Olympus"}, "owner": {"name": "O", "email": "o@x.example", "password": PASSWORD}}),
        ),
        (
            "tenant.name",
            json!({"tenant": {"name": 42, "slug": slug}, "owner": {"name": "O", "email": "o@x.example", "password": PASSWORD}}),
        ),
        ("owner", json!({"tenant": {"name": "X", "slug": slug}})),
        (
            "tenant.colour",
            json!({"tenant": {"name": "X", "slug": slug, "colour": "red"}, "owner": {"name": "O", "email": "o@x.example", "password": PASSWORD}}),
        ),
    ];
    for (field, body) in cases {
        let response = app.client().post("/api/v1/tenants", &body).await;
        let problem = response.expect_problem(422, "validation_failed");
        let named = problem["errors"].as_array().unwrap().iter().any(|e| {
            let f = e["field"].as_str().unwrap_or_default();
            f == field
                || e["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(field.rsplit('.').next().unwrap())
        });
        assert!(named, "{field} not named in {problem}");
    }
    let rule = app
        .client()
        .post("/api/v1/tenants", &json!({"tenant": {"name": "X", "slug": slug}, "owner": {"name": "O", "email": "o@x.example", "password": "short"}}))
        .await
        .json();
    assert!(rule["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("at least 10"));
}

#[tokio::test]
async fn malformed_json_and_wrong_content_type_are_400() {
    let app = spawn_app().await;
    let client = app.client();
    let malformed = client
        .send(
            client
                .request(reqwest::Method::POST, "/api/v1/tenants")
                .header("content-type", "application/json")
                .body("{\"tenant\": "),
        )
        .await;
    malformed.expect_problem(400, "malformed_json");
    let text = client
        .send(
            client
                .request(reqwest::Method::POST, "/api/v1/tenants")
                .header("content-type", "text/plain")
                .body("hello"),
        )
        .await;
    text.expect_problem(400, "unsupported_media_type");
    let array = client.post("/api/v1/tenants", &json!([1, 2])).await;
    assert_eq!(array.status, 422, "{}", array.text);
}
