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

/// Sends `path` byte for byte (an HTTP client would normalise it) and returns the status line.
async fn raw_get(base_url: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[actix_web::test]
async fn paths_that_parsing_would_rewrite_never_reach_a_service() {
    let harness = Harness::start(|_| {});

    for path in [
        "/oauth/token/..\\..\\api/v1/users",
        "/public\\..\\api/v1/users",
        "/oauth/token/%5c..%5C../api/v1/users",
        "/oauth/token/%2e%2e/%2e%2e/api/v1/users",
        "/api/v1/password-resets/../users",
    ] {
        let status = raw_get(&harness.gateway.base_url, path).await;
        assert!(status.contains(" 404 "), "{path}: {status}");
    }
    assert_eq!(harness.upstream.hits.count(), 0);
}

/// A key source whose set the test replaces, as a key withdrawal at accounts would.
struct SwappableJwks(std::sync::Mutex<jsonwebtoken::jwk::JwkSet>);

#[async_trait::async_trait]
impl kefu_platform::auth::JwksSource for SwappableJwks {
    async fn fetch(&self) -> anyhow::Result<jsonwebtoken::jwk::JwkSet> {
        Ok(self.0.lock().unwrap().clone())
    }
}

#[actix_web::test]
async fn a_withdrawn_key_stops_verifying_once_the_cache_ages_out() {
    let keys = TestKeys::generate(ISSUER).unwrap();
    let source = std::sync::Arc::new(SwappableJwks(std::sync::Mutex::new(keys.jwks())));
    let shared = source.clone();
    let age = std::time::Duration::from_millis(300);
    let harness = Harness::start_with(
        keys,
        |_| {},
        move |keys| {
            kefu_platform::auth::TokenVerifier::new(shared, keys.issuer.clone())
                .with_refresh(std::time::Duration::ZERO, age)
        },
    );
    let client = harness.client_of(Uuid::now_v7());
    client.get("/api/v1/users").await.expect(200);

    *source.0.lock().unwrap() = jsonwebtoken::jwk::JwkSet { keys: Vec::new() };
    tokio::time::sleep(age * 2).await;

    client
        .get("/api/v1/users")
        .await
        .expect_problem(401, "unauthenticated");
}
