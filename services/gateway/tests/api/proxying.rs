//! Forwarding: what the upstream sees, what the client gets back, and failures as problems.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::support::{closed_port_url, Harness, TRACEPARENT};

#[actix_web::test]
async fn a_public_route_passes_without_a_token() {
    let harness = Harness::start(|_| {});

    let response = harness
        .client()
        .post("/api/v1/tenants", &json!({"tenant": {"name": "Acme"}}))
        .await;

    let seen = response.expect(200);
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["path"], "/api/v1/tenants");
    assert!(seen["body_len"].as_u64().unwrap() > 0);
    assert!(seen["headers"].get("authorization").is_none());
    assert_eq!(seen["headers"]["x-forwarded-for"], "127.0.0.1");
    assert!(response.header("ratelimit-limit").is_some());
    assert!(response.header("x-request-id").is_some());
}

#[actix_web::test]
async fn a_token_request_is_forwarded_with_request_id_trace_context_and_token() {
    let harness = Harness::start(|_| {});
    let token = harness.keys.token(Uuid::now_v7(), &["accounts:read"]);
    let client = harness.client().with_token(&token);

    let request = client
        .request(Method::GET, "/api/v1/users?limit=5&cursor=abc")
        .header("x-request-id", "req-test-1")
        .header("traceparent", TRACEPARENT)
        .header("x-custom", "kept")
        .header("connection", "x-hop-secret")
        .header("x-hop-secret", "dropped");
    let response = client.send(request).await;

    let seen = response.expect(200);
    assert_eq!(seen["path"], "/api/v1/users");
    assert_eq!(seen["query"], "limit=5&cursor=abc");
    let headers = &seen["headers"];
    assert_eq!(headers["authorization"], format!("Bearer {token}"));
    assert_eq!(headers["x-request-id"], "req-test-1");
    // Same trace; the parent is the incoming span, or the gateway's own when tracing is on.
    let forwarded = headers["traceparent"].as_str().unwrap();
    assert_eq!(forwarded.split('-').nth(1), TRACEPARENT.split('-').nth(1));
    assert_eq!(forwarded.len(), TRACEPARENT.len());
    assert_eq!(headers["x-custom"], "kept");
    assert!(headers.get("x-hop-secret").is_none(), "{headers}");
    assert_eq!(headers["x-forwarded-proto"], "http");
    assert!(headers["host"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert_eq!(
        response.header("x-request-id").as_deref(),
        Some("req-test-1")
    );
    assert_eq!(response.header("x-upstream").as_deref(), Some("fake"));
    assert_eq!(response.header("ratelimit-limit").as_deref(), Some("300"));
    assert_eq!(
        response.header("ratelimit-remaining").as_deref(),
        Some("299")
    );
    assert!(response.header("ratelimit-reset").is_some());
}

#[actix_web::test]
async fn missing_request_id_and_trace_context_are_created() {
    let harness = Harness::start(|_| {});

    let response = harness.client_of(Uuid::now_v7()).get("/api/v1/teams").await;

    let seen = response.expect(200);
    let request_id = response.header("x-request-id").unwrap();
    assert_eq!(seen["headers"]["x-request-id"], request_id.as_str());
    let traceparent = seen["headers"]["traceparent"].as_str().unwrap();
    assert!(
        kefu_gateway::trace_context::is_valid(traceparent),
        "{traceparent}"
    );
    let again = harness
        .client_of(Uuid::now_v7())
        .get("/api/v1/teams")
        .await
        .expect(200);
    assert_ne!(again["headers"]["traceparent"], traceparent);
}

#[actix_web::test]
async fn forwarded_for_from_an_untrusted_peer_is_replaced() {
    let harness = Harness::start(|_| {});
    let client = harness.client();

    let request = client
        .request(Method::POST, "/oauth/token")
        .header("x-forwarded-for", "6.6.6.6")
        .header("x-forwarded-proto", "https")
        .form(&[("grant_type", "password")]);
    let seen = client.send(request).await.expect(200);

    assert_eq!(seen["headers"]["x-forwarded-for"], "127.0.0.1");
    assert_eq!(seen["headers"]["x-forwarded-proto"], "http");
    assert_eq!(
        seen["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
}

#[actix_web::test]
async fn redirects_and_large_bodies_pass_through_unchanged() {
    let harness = Harness::start(|_| {});
    let client = harness.client_of(Uuid::now_v7());

    let moved = client.get("/api/v1/users/moved").await;
    assert_eq!(moved.status.as_u16(), 302);
    assert_eq!(
        moved.header("location").as_deref(),
        Some("/api/v1/users/elsewhere")
    );

    let big = client.get("/api/v1/users/big").await;
    big.expect(200);
    assert_eq!(big.text.len(), 200_000);
    assert_eq!(big.header("content-length").as_deref(), Some("200000"));
}

#[actix_web::test]
async fn a_service_that_is_down_is_a_503_problem() {
    let down = closed_port_url();
    let harness = Harness::start(|s| {
        s.upstreams.insert("tickets".into(), down);
    });

    let response = harness
        .client_of(Uuid::now_v7())
        .get("/api/v1/tickets")
        .await;

    let problem = response.expect_problem(503, "service_unavailable");
    assert!(problem["detail"].as_str().unwrap().contains("tickets"));
    assert!(response.header("retry-after").is_some());
    assert!(response.header("x-request-id").is_some());
}

#[actix_web::test]
async fn a_slow_service_is_a_504_problem() {
    let harness = Harness::start(|s| s.timeout = Duration::from_millis(500));

    let response = harness
        .client_of(Uuid::now_v7())
        .get("/api/v1/teams/slow")
        .await;

    response.expect_problem(504, "gateway_timeout");
}

#[actix_web::test]
async fn a_route_timeout_overrides_the_default() {
    let harness = Harness::start(|s| {
        s.timeout = Duration::from_millis(300);
        s.route_timeouts = vec![("/api/v1/teams/slow".into(), Duration::from_secs(10))];
    });

    let response = harness
        .client_of(Uuid::now_v7())
        .get("/api/v1/teams/slow")
        .await;

    assert_eq!(response.expect(200)["slow"], true);
}

#[actix_web::test]
async fn an_oversized_body_is_a_413_problem_and_never_forwarded() {
    let harness = Harness::start(|s| s.body_limit_bytes = 1024);
    let client = harness.client_of(Uuid::now_v7());

    let declared = client
        .send(
            client
                .request(Method::POST, "/api/v1/teams")
                .body(vec![b'a'; 4 * 1024 * 1024]),
        )
        .await;
    declared.expect_problem(413, "payload_too_large");

    let chunks = (0..4).map(|_| Ok::<_, std::io::Error>(vec![b'b'; 512]));
    let streamed = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let chunked = client
        .send(client.request(Method::POST, "/api/v1/teams").body(streamed))
        .await;
    chunked.expect_problem(413, "payload_too_large");

    let fits = client
        .send(
            client
                .request(Method::POST, "/api/v1/teams")
                .body(vec![b'c'; 1024]),
        )
        .await;
    assert_eq!(fits.expect(200)["body_len"], 1024);
    assert_eq!(harness.upstream.hits.count(), 1);
}

#[actix_web::test]
async fn unknown_and_unconfigured_routes_are_404_problems() {
    let harness = Harness::start(|_| {});
    let client = harness.client_of(Uuid::now_v7());

    client
        .get("/api/v1/nothing-here")
        .await
        .expect_problem(404, "not_found");
    // Training owns /api/v1/courses, but no training service is configured.
    client
        .get("/api/v1/courses")
        .await
        .expect_problem(404, "not_found");
    harness
        .client()
        .get("/nope")
        .await
        .expect_problem(404, "not_found");
    harness
        .client()
        .post("/healthz", &json!({}))
        .await
        .expect_problem(404, "not_found");
    assert_eq!(harness.upstream.hits.count(), 0);
}
