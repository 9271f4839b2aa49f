//! Rate limits per tenant, per credential and per client IP.

use kefu_testkit::TestResponse;
use reqwest::Method;
use uuid::Uuid;

use crate::support::Harness;

#[track_caller]
fn assert_refused(response: &TestResponse, limit: &str) {
    response.expect_problem(429, "rate_limited");
    let retry_after: u64 = response.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "retry-after {retry_after}");
    assert_eq!(response.header("ratelimit-limit").as_deref(), Some(limit));
    assert_eq!(response.header("ratelimit-remaining").as_deref(), Some("0"));
    let reset: u64 = response.header("ratelimit-reset").unwrap().parse().unwrap();
    assert!(reset >= retry_after);
}

#[actix_web::test]
async fn a_credential_and_then_its_tenant_run_out_while_another_tenant_does_not() {
    // L = 4 per tenant; each credential may use half of it.
    let harness = Harness::start(|s| {
        s.tenant_limit_per_minute = 4;
        s.credential_share = 0.5;
    });
    let (tenant, other_tenant) = (Uuid::now_v7(), Uuid::now_v7());
    let first = harness.client_of(tenant);

    let response = first.get("/api/v1/users").await;
    response.expect(200);
    assert_eq!(response.header("ratelimit-limit").as_deref(), Some("2"));
    assert_eq!(response.header("ratelimit-remaining").as_deref(), Some("1"));
    first.get("/api/v1/users").await.expect(200);
    assert_refused(&first.get("/api/v1/users").await, "2");

    let second = harness.client_of(tenant);
    second.get("/api/v1/users").await.expect(200);
    let last = second.get("/api/v1/users").await;
    last.expect(200);
    assert_eq!(last.header("ratelimit-remaining").as_deref(), Some("0"));
    // Request L + 1 of the tenant, from a fresh credential.
    assert_refused(&harness.client_of(tenant).get("/api/v1/users").await, "4");

    harness
        .client_of(other_tenant)
        .get("/api/v1/users")
        .await
        .expect(200);
    assert_eq!(harness.upstream.hits.count(), 5);
}

#[actix_web::test]
async fn public_routes_are_limited_per_ip_and_a_spoofed_forwarded_for_does_not_help() {
    let harness = Harness::start(|s| s.public_limit_per_minute = 3);
    let client = harness.client();

    for _ in 0..3 {
        client.get("/healthz").await.expect(200);
    }
    let spoofed = client
        .send(
            client
                .request(Method::GET, "/.well-known/jwks.json")
                .header("x-forwarded-for", "203.0.113.9"),
        )
        .await;

    assert_refused(&spoofed, "3");
    assert_eq!(harness.upstream.hits.count(), 0);
}

#[actix_web::test]
async fn a_trusted_proxy_forwards_the_client_ip() {
    let harness = Harness::start(|s| {
        s.public_limit_per_minute = 1;
        s.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    });
    let client = harness.client();
    let from = |ip: &'static str| {
        client
            .request(Method::POST, "/oauth/token")
            .header("x-forwarded-for", ip)
    };

    let seen = client.send(from("198.51.100.1")).await.expect(200);
    // Upstreams get the one address the gateway decided on, not a chain to re-parse.
    assert_eq!(seen["headers"]["x-forwarded-for"], "198.51.100.1");
    let spoofed = client
        .send(
            client
                .request(Method::POST, "/oauth/token")
                .header("x-forwarded-for", "6.6.6.6, 198.51.100.3"),
        )
        .await
        .expect(200);
    assert_eq!(spoofed["headers"]["x-forwarded-for"], "198.51.100.3");
    assert_refused(&client.send(from("198.51.100.1")).await, "1");
    client.send(from("198.51.100.2")).await.expect(200);
}

/// Issue 16, finding 8: behind a proxy that appends its own `X-Forwarded-For` line, the
/// gateway read only the client's first line and let it choose its rate-limit key.
#[actix_web::test]
async fn every_forwarded_for_line_counts_not_only_the_first() {
    let harness = Harness::start(|s| {
        s.public_limit_per_minute = 1;
        s.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    });
    let client = harness.client();
    let appended = |forged: &'static str| {
        client
            .request(Method::POST, "/oauth/token")
            .header("x-forwarded-for", forged)
            .header("x-forwarded-for", "198.51.100.7")
    };

    let seen = client.send(appended("6.6.6.6")).await.expect(200);
    assert_eq!(seen["headers"]["x-forwarded-for"], "198.51.100.7");
    // A new forged first line is the same client to the limiter.
    assert_refused(&client.send(appended("7.7.7.7")).await, "1");
}

#[actix_web::test]
async fn failed_tokens_spend_the_client_ip_budget() {
    let harness = Harness::start(|s| s.public_limit_per_minute = 2);
    let client = harness.client().with_token("forged");

    client
        .get("/api/v1/users")
        .await
        .expect_problem(401, "unauthenticated");
    client
        .get("/api/v1/users")
        .await
        .expect_problem(401, "unauthenticated");
    assert_refused(&client.get("/api/v1/users").await, "2");
    // A valid token is limited by its own buckets, not the IP's.
    harness
        .client_of(Uuid::now_v7())
        .get("/api/v1/users")
        .await
        .expect(200);
}
