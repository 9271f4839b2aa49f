//! Token checks: bad tokens are refused before any upstream sees the request.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use kefu_testkit::TestKeys;
use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{Harness, ISSUER};

fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

#[actix_web::test]
async fn a_protected_route_without_a_token_is_401_and_never_forwarded() {
    let harness = Harness::start(|_| {});

    let response = harness.client().get("/api/v1/users").await;

    let problem = response.expect_problem(401, "unauthenticated");
    assert_eq!(problem["detail"], "a valid bearer token is required");
    assert_eq!(
        response.header("www-authenticate").as_deref(),
        Some("Bearer")
    );
    assert!(response.header("ratelimit-remaining").is_some());
    assert_eq!(harness.upstream.hits.count(), 0);
}

#[actix_web::test]
async fn bad_tokens_are_401_with_one_generic_body() {
    let harness = Harness::start(|_| {});
    let keys = &harness.keys;
    let tenant = Uuid::now_v7();
    let valid = keys.token(tenant, &["accounts:read"]);
    let claims = serde_json::to_value(keys.claims(Some(tenant), &["accounts:read"])).unwrap();

    let other_key = TestKeys::generate(ISSUER).unwrap().token(tenant, &[]);
    let alg_none = format!(
        "{}.{}.",
        encode(&json!({"alg": "none", "typ": "JWT", "kid": keys.kid})),
        encode(&claims)
    );
    let mut expired = keys.claims(Some(tenant), &[]);
    expired.exp -= 3600;
    expired.iat -= 3600;
    let mut foreign_issuer = keys.claims(Some(tenant), &[]);
    foreign_issuer.iss = "https://evil.example".into();
    let mut parts: Vec<String> = valid.split('.').map(String::from).collect();
    let mut tampered_claims = claims.clone();
    tampered_claims["tid"] = json!(Uuid::now_v7());
    parts[1] = encode(&tampered_claims);
    let tampered = parts.join(".");

    let cases = [
        ("signed by another key", other_key),
        ("alg none", alg_none),
        ("expired", keys.sign(&expired)),
        ("another issuer", keys.sign(&foreign_issuer)),
        ("tampered tenant", tampered),
        ("garbage", "not-a-jwt".to_string()),
    ];
    let mut bodies = Vec::new();
    for (case, token) in cases {
        let response = harness
            .client()
            .with_token(&token)
            .get("/api/v1/users")
            .await;
        assert_eq!(response.status.as_u16(), 401, "{case}: {}", response.text);
        bodies.push(response.expect_problem(401, "unauthenticated"));
    }
    let basic = harness.client();
    let response = basic
        .send(
            basic
                .request(Method::GET, "/api/v1/users")
                .basic_auth("user", Some("pw")),
        )
        .await;
    response.expect_problem(401, "unauthenticated");
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]));
    assert_eq!(harness.upstream.hits.count(), 0);

    // The control: the same route with a valid token reaches the upstream.
    harness
        .client()
        .with_token(&valid)
        .get("/api/v1/users")
        .await
        .expect(200);
    assert_eq!(harness.upstream.hits.count(), 1);
}

#[actix_web::test]
async fn public_routes_ignore_a_bad_token() {
    let harness = Harness::start(|_| {});
    let client = harness.client().with_token("not-a-jwt");

    for path in [
        "/.well-known/jwks.json",
        "/api/v1/user-invitations/accept",
        "/api/v1/password-resets",
    ] {
        let response = client.post(path, &json!({})).await;
        assert_eq!(response.expect(200)["path"], path);
    }
    client
        .get("/api/v1/tenants")
        .await
        .expect_problem(401, "unauthenticated");
}

#[actix_web::test]
async fn operator_tokens_without_a_tenant_pass() {
    let harness = Harness::start(|_| {});
    let operator = harness
        .keys
        .sign(&harness.keys.claims(None, &["platform:admin"]));

    let response = harness
        .client()
        .with_token(&operator)
        .get("/api/v1/platform/tenants")
        .await;

    assert_eq!(response.expect(200)["path"], "/api/v1/platform/tenants");
}
