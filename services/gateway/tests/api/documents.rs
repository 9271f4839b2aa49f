//! The gateway's own routes: merged OpenAPI, offline docs, probes, metrics and CORS.

use std::sync::Arc;

use kefu_platform::auth::{HttpJwks, TokenVerifier};
use kefu_testkit::TestKeys;
use reqwest::Method;

use crate::support::{closed_port_url, Harness, ISSUER};

#[actix_web::test]
async fn openapi_json_merges_the_services_documents() {
    let harness = Harness::start(|_| {});

    let document = harness.client().get("/openapi.json").await.expect(200);

    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(document["info"]["title"], "Kefu API");
    assert_eq!(document["servers"][0]["url"], ISSUER);
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/users"), "{document}");
    assert!(paths.contains_key("/oauth/token"));
    assert_eq!(document["components"]["schemas"]["User"]["type"], "object");
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["type"],
        "oauth2"
    );
}

#[actix_web::test]
async fn docs_are_served_from_local_assets_only() {
    let harness = Harness::start(|_| {});
    let client = harness.client();

    let redirect = client.get("/docs").await;
    assert_eq!(redirect.status.as_u16(), 308);
    assert_eq!(redirect.header("location").as_deref(), Some("/docs/"));

    let page = client.get("/docs/").await;
    page.expect(200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let html = page.text.to_ascii_lowercase();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(html.contains("<title>kefu api</title>"), "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|s| s.ends_with(".js") || s.ends_with(".css"))
        .collect();
    assert!(!assets.is_empty());
    for asset in assets {
        assert!(!asset.starts_with("//"), "{asset}");
        let path = format!("/docs/{}", asset.trim_start_matches("./"));
        client.get(&path).await.expect(200);
    }
    let initializer = client.get("/docs/swagger-initializer.js").await;
    initializer.expect(200);
    assert!(initializer.text.contains("/openapi.json"));
    assert!(!initializer.text.contains("validator.swagger.io"));
    client
        .get("/docs/no-such-file.js")
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn probes_report_the_gateway_and_the_services_behind_it() {
    let down = closed_port_url();
    let harness = Harness::start(|s| {
        s.upstreams.insert("tickets".into(), down);
    });
    let client = harness.client();

    client.get("/healthz").await.expect(200);
    let ready = client.get("/readyz").await.expect(200);
    assert_eq!(ready["checks"]["jwks"], "up");
    let services = client.get("/healthz/services").await.expect(200);
    assert_eq!(services["status"], "degraded");
    assert_eq!(services["services"]["accounts"]["status"], "up");
    assert_eq!(services["services"]["tickets"]["status"], "down");
    harness
        .client_of(uuid::Uuid::now_v7())
        .get("/api/v1/tickets")
        .await
        .expect_problem(503, "service_unavailable");
    let metrics = client.get("/metrics").await;
    metrics.expect(200);
    assert!(
        metrics.text.contains("http_requests_total"),
        "{}",
        metrics.text
    );
}

#[actix_web::test]
async fn the_gateway_is_not_ready_while_it_cannot_fetch_keys() {
    let keys = TestKeys::generate(ISSUER).unwrap();
    let jwks = format!("{}/.well-known/jwks.json", closed_port_url());
    let harness = Harness::start_with(
        keys,
        |_| {},
        |_| TokenVerifier::new(Arc::new(HttpJwks::new(jwks)), ISSUER),
    );

    harness.client().get("/healthz").await.expect(200);
    let ready = harness.client().get("/readyz").await.expect(503);
    assert_eq!(ready["checks"]["jwks"], "down");
}

#[actix_web::test]
async fn cors_allows_configured_origins_only() {
    let harness = Harness::start(|s| s.cors_origins = vec!["https://console.test".into()]);
    let client = harness.client();
    let preflight = |origin: &str| {
        client
            .request(Method::OPTIONS, "/api/v1/users")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
    };

    let allowed = client.send(preflight("https://console.test")).await;
    allowed.expect(200);
    assert_eq!(
        allowed.header("access-control-allow-origin").as_deref(),
        Some("https://console.test")
    );
    client
        .send(preflight("https://evil.test"))
        .await
        .expect_problem(400, "cors_rejected");

    let refused = client
        .send(
            client
                .request(Method::GET, "/api/v1/users")
                .header("origin", "https://console.test"),
        )
        .await;
    refused.expect_problem(401, "unauthenticated");
    assert_eq!(
        refused.header("access-control-allow-origin").as_deref(),
        Some("https://console.test")
    );
    let exposed = refused.header("access-control-expose-headers").unwrap();
    assert!(exposed.contains("ratelimit-remaining"), "{exposed}");
}

#[actix_web::test]
async fn without_configured_origins_no_cors_headers_are_sent() {
    let harness = Harness::start(|_| {});
    let client = harness.client();

    let response = client
        .send(
            client
                .request(Method::GET, "/healthz")
                .header("origin", "https://console.test"),
        )
        .await;

    response.expect(200);
    assert!(response.header("access-control-allow-origin").is_none());
}
