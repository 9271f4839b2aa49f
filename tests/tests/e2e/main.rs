//! The whole suite through the gateway, as a client would use it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod abuse;
mod architecture;
mod customer_value;
mod deploy_files;
mod rls;
mod suite;
mod ticket_life;

use serde_json::json;

use suite::PASSWORD;

#[tokio::test]
async fn sign_up_log_in_and_read_me_through_the_gateway() {
    let suite = suite::start().await;
    let gateway = kefu_testkit::TestClient::new(&suite.gateway_url);
    gateway.get("/readyz").await.expect(200);
    let slug = kefu_testkit::unique_slug("e2e");

    let signed_up = gateway
        .post(
            "/api/v1/tenants",
            &json!({
                "tenant": {"name": "E2E Centre", "slug": slug},
                "owner": {"name": "Erin", "email": "erin@e2e.example", "password": PASSWORD}
            }),
        )
        .await;
    let tokens = gateway
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "password"),
                ("tenant", &slug),
                ("username", "erin@e2e.example"),
                ("password", PASSWORD),
            ],
        )
        .await
        .expect(200);
    let me = gateway
        .with_token(tokens["access_token"].as_str().unwrap())
        .get("/api/v1/users/me")
        .await;

    signed_up.expect(201);
    let me_body = me.expect(200);
    assert_eq!(me_body["email"], "erin@e2e.example");
    assert!(me.header("x-request-id").is_some());
    assert!(me.header("ratelimit-limit").is_some());
    suite.stop().await;
}

#[tokio::test]
async fn the_gateway_refuses_bad_tokens_before_any_service() {
    let suite = suite::start().await;
    let gateway = kefu_testkit::TestClient::new(&suite.gateway_url);

    gateway
        .get("/api/v1/users/me")
        .await
        .expect_problem(401, "unauthenticated");
    gateway
        .with_token("not-a-token")
        .get("/api/v1/users")
        .await
        .expect_problem(401, "unauthenticated");
    suite.stop().await;
}

#[tokio::test]
async fn merged_openapi_and_offline_docs() {
    let suite = suite::start().await;
    let gateway = kefu_testkit::TestClient::new(&suite.gateway_url);

    let doc = gateway.get("/openapi.json").await.expect(200);
    let docs = gateway.get("/docs/").await;

    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/tenants",
        "/oauth/token",
        "/api/v1/users/{id}",
        "/api/v1/teams",
        "/api/v1/platform/tenants",
        "/api/v1/tickets/{id}/comments",
        "/api/v1/customers/{id}/values",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the merged document"
        );
    }
    assert_eq!(docs.status, 200, "{}", docs.text);
    assert!(
        !docs.text.contains("https://") && !docs.text.contains("http://"),
        "docs must load no outside asset"
    );
    let offline = kefu::openapi::merged("http://localhost:8080");
    assert_eq!(
        offline["paths"].as_object().unwrap().len(),
        doc["paths"].as_object().unwrap().len()
    );
    suite.stop().await;
}

#[tokio::test]
async fn invitation_accept_and_password_reset_are_public_through_the_gateway() {
    let suite = suite::start().await;
    let gateway = kefu_testkit::TestClient::new(&suite.gateway_url);
    let slug = kefu_testkit::unique_slug("pub");
    gateway
        .post(
            "/api/v1/tenants",
            &json!({
                "tenant": {"name": "Public Routes", "slug": slug},
                "owner": {"name": "Pat", "email": "pat@pub.example", "password": PASSWORD}
            }),
        )
        .await
        .expect(201);
    let tokens = gateway
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "password"),
                ("tenant", &slug),
                ("username", "pat@pub.example"),
                ("password", PASSWORD),
            ],
        )
        .await
        .expect(200);
    let owner = gateway.with_token(tokens["access_token"].as_str().unwrap());
    let invited = owner
        .post(
            "/api/v1/user-invitations",
            &json!({"email": "ivy@pub.example", "name": "Ivy"}),
        )
        .await
        .expect(201);

    gateway
        .post(
            "/api/v1/user-invitations/accept",
            &json!({"token": invited["invitation"]["token"], "password": PASSWORD}),
        )
        .await
        .expect(200);
    gateway
        .post(
            "/api/v1/password-resets",
            &json!({"tenant": slug, "email": "ivy@pub.example"}),
        )
        .await
        .expect(202);
    gateway
        .post(
            "/api/v1/password-resets/confirm",
            &json!({"token": "kp_unknown", "password": "another fine passphrase"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    suite.stop().await;
}

#[tokio::test]
async fn a_free_plan_token_is_limited_by_its_plan() {
    let suite = suite::start().await;
    let gateway = kefu_testkit::TestClient::new(&suite.gateway_url);
    let slug = kefu_testkit::unique_slug("free");
    gateway
        .post(
            "/api/v1/tenants",
            &json!({
                "tenant": {"name": "Free Plan", "slug": slug},
                "owner": {"name": "Fay", "email": "fay@free.example", "password": PASSWORD}
            }),
        )
        .await
        .expect(201);
    let tokens = gateway
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "password"),
                ("tenant", &slug),
                ("username", "fay@free.example"),
                ("password", PASSWORD),
            ],
        )
        .await
        .expect(200);
    let owner = gateway.with_token(tokens["access_token"].as_str().unwrap());

    // Free: 120 requests/min per tenant, half of it per credential. The budget refills
    // one request a second, so a slow run gets a few more before the first 429.
    let started = std::time::Instant::now();
    let first = owner.get("/api/v1/users/me").await;
    first.expect(200);
    let mut allowed = 1;
    let over = loop {
        let response = owner.get("/api/v1/users/me").await;
        if response.status.as_u16() == 429 || allowed >= 200 {
            break response;
        }
        response.expect(200);
        allowed += 1;
    };

    assert_eq!(first.header("ratelimit-limit").as_deref(), Some("60"));
    over.expect_problem(429, "rate_limited");
    let refilled = started.elapsed().as_secs() + 1;
    assert!(
        (60..=60 + refilled).contains(&allowed),
        "{allowed} allowed in {refilled} s"
    );
    assert!(over.header("retry-after").is_some());
    assert_eq!(over.header("ratelimit-remaining").as_deref(), Some("0"));
    suite.stop().await;
}

#[tokio::test]
async fn a_tenant_signed_up_through_the_gateway_is_announced_with_the_requests_trace() {
    let suite = suite::start().await;
    let gateway = kefu_testkit::TestClient::new(&suite.gateway_url);
    let slug = kefu_testkit::unique_slug("events");
    let trace_id = uuid::Uuid::now_v7().simple().to_string();
    let request = gateway
        .request(reqwest::Method::POST, "/api/v1/tenants")
        .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
        .json(&json!({
            "tenant": {"name": "Evented Centre", "slug": slug},
            "owner": {"name": "Eve", "email": "eve@events.example", "password": PASSWORD}
        }));
    let created = gateway.send(request).await.expect(201);
    let tenant_id = created["tenant"]["id"].as_str().unwrap().to_string();

    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    let announced = suite
        .read_topic("kefu.accounts")
        .await
        .next_of("tenant.created", &tenant_id, deadline)
        .await
        .expect("tenant.created arrives");

    let (envelope, delivery) = announced;
    assert_eq!(envelope.tenant_id.to_string(), tenant_id);
    assert_eq!(envelope.data["slug"], slug);
    assert_eq!(delivery.record.key, format!("{tenant_id}:{tenant_id}"));
    let traceparent = delivery.header("traceparent").expect("trace context");
    assert_eq!(traceparent.split('-').nth(1), Some(trace_id.as_str()));
    suite.stop().await;
}

#[tokio::test]
async fn an_owner_works_a_ticket_through_the_gateway_once_accounts_announced_them() {
    let suite = suite::start().await;
    let gateway = kefu_testkit::TestClient::new(&suite.gateway_url);
    let slug = kefu_testkit::unique_slug("tk");
    let signed_up = gateway
        .post(
            "/api/v1/tenants",
            &json!({
                "tenant": {"name": "Ticket Centre", "slug": slug},
                "owner": {"name": "Tao", "email": "tao@tk.example", "password": PASSWORD}
            }),
        )
        .await
        .expect(201);
    let owner_id = signed_up["owner"]["id"].as_str().unwrap().to_string();
    let tokens = gateway
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "password"),
                ("tenant", &slug),
                ("username", "tao@tk.example"),
                ("password", PASSWORD),
            ],
        )
        .await
        .expect(200);
    let owner = gateway.with_token(tokens["access_token"].as_str().unwrap());

    let ticket = owner
        .post(
            "/api/v1/tickets",
            &json!({"subject": "Phone line down", "type": "incident", "channel": "phone"}),
        )
        .await
        .expect(201);
    assert_eq!(ticket["number"], 1);
    let path = format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap());
    // `user.created` travels accounts -> outbox -> bus -> tickets' directory.
    let mut assigned = None;
    for _ in 0..600 {
        let answer = owner.patch(&path, &json!({"assignee_id": owner_id})).await;
        if answer.status.as_u16() == 200 {
            assigned = Some(answer.expect(200));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let assigned = assigned.expect("the owner never reached the tickets directory");
    assert_eq!(assigned["assignee_id"], json!(owner_id));
    owner
        .post(
            &format!("{path}/comments"),
            &json!({"body": "Engineer on the way."}),
        )
        .await
        .expect(201);
    let history = owner.get(&format!("{path}/history")).await.expect(200);
    assert!(history["items"].as_array().unwrap().len() >= 3);
    // `tenant.created` (before `user.created` in the same partition) seeded the calendar
    // and default SLA policies, so a ticket created now runs under them.
    let urgent = owner
        .post(
            "/api/v1/tickets",
            &json!({"subject": "Outage", "priority": "urgent"}),
        )
        .await
        .expect(201);
    let sla = owner
        .get(&format!(
            "/api/v1/tickets/{}/sla",
            urgent["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    let metrics: Vec<&str> = sla["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["metric"].as_str().unwrap())
        .collect();
    assert_eq!(metrics, ["first_response", "resolution"]);
    suite.stop().await;
}
