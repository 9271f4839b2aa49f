//! A fake upstream service and a gateway in front of it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use kefu_gateway::Settings;
use kefu_testkit::{bind_loopback, spawn_server, TestClient, TestKeys, TestServer};
use serde_json::{json, Map, Value};

/// The issuer of test tokens and the gateway's public URL.
pub const ISSUER: &str = "http://kefu.test";

/// A valid W3C trace context.
pub const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// How many requests reached the fake upstream's echo handler.
#[derive(Clone, Default)]
pub struct Hits(Arc<AtomicUsize>);

impl Hits {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

async fn echo(req: HttpRequest, body: web::Bytes, hits: web::Data<Hits>) -> HttpResponse {
    hits.0.fetch_add(1, Ordering::SeqCst);
    let mut headers = Map::new();
    for (name, value) in req.headers() {
        let value = Value::String(value.to_str().unwrap_or("<binary>").to_string());
        match headers.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push_str(&format!(" | {}", value.as_str().unwrap_or("")))
            }
            _ => {
                headers.insert(name.as_str().to_string(), value);
            }
        }
    }
    HttpResponse::Ok()
        .insert_header(("x-upstream", "fake"))
        .json(json!({
            "method": req.method().as_str(),
            "path": req.path(),
            "query": req.query_string(),
            "headers": headers,
            "body_len": body.len(),
        }))
}

async fn slow() -> HttpResponse {
    tokio::time::sleep(Duration::from_secs(3)).await;
    HttpResponse::Ok().json(json!({"slow": true}))
}

async fn big() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain")
        .body("x".repeat(200_000))
}

async fn moved() -> HttpResponse {
    HttpResponse::Found()
        .insert_header(("location", "/api/v1/users/elsewhere"))
        .finish()
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "openapi": "3.1.0",
        "info": {"title": "accounts", "version": "0.1.0"},
        "paths": {
            "/api/v1/users": {"get": {"operationId": "list_users", "responses": {"200": {"description": "the users"}}}},
            "/oauth/token": {"post": {"operationId": "token", "responses": {"200": {"description": "a token"}}}}
        },
        "components": {"schemas": {"User": {"type": "object"}}}
    }))
}

async fn readyz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ready"}))
}

/// A service that echoes what it received, with a slow route, a big one and its documents.
pub struct FakeUpstream {
    pub server: TestServer,
    pub hits: Hits,
}

impl FakeUpstream {
    pub fn start() -> FakeUpstream {
        let hits = Hits::default();
        let data = web::Data::new(hits.clone());
        let (listener, base_url) = bind_loopback().unwrap();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/openapi.json", web::get().to(openapi))
                .route("/readyz", web::get().to(readyz))
                .route("/api/v1/teams/slow", web::get().to(slow))
                .route("/api/v1/users/big", web::get().to(big))
                .route("/api/v1/users/moved", web::get().to(moved))
                .default_service(web::to(echo))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        FakeUpstream {
            server: spawn_server(server, base_url),
            hits,
        }
    }

    pub fn url(&self) -> &str {
        &self.server.base_url
    }
}

/// A loopback URL where nothing listens.
pub fn closed_port_url() -> String {
    let (listener, base_url) = bind_loopback().unwrap();
    drop(listener);
    base_url
}

/// A gateway in front of a fake accounts service, with signing keys it trusts.
pub struct Harness {
    pub gateway: TestServer,
    pub upstream: FakeUpstream,
    pub keys: TestKeys,
}

impl Harness {
    /// Starts with default settings adjusted by `adjust`.
    pub fn start(adjust: impl FnOnce(&mut Settings)) -> Harness {
        let keys = TestKeys::generate(ISSUER).unwrap();
        Self::start_with(keys, adjust, |keys| keys.verifier())
    }

    /// Starts with a verifier of the caller's choosing.
    pub fn start_with(
        keys: TestKeys,
        adjust: impl FnOnce(&mut Settings),
        verifier: impl FnOnce(&TestKeys) -> kefu_platform::auth::TokenVerifier,
    ) -> Harness {
        kefu_testkit::init_test_logging();
        let upstream = FakeUpstream::start();
        let mut settings = Settings::new(ISSUER).with_upstream("accounts", upstream.url());
        adjust(&mut settings);
        let (listener, base_url) = bind_loopback().unwrap();
        let server = kefu_gateway::serve(settings, verifier(&keys), listener).unwrap();
        Harness {
            gateway: spawn_server(server, base_url),
            upstream,
            keys,
        }
    }

    /// A client without a token.
    pub fn client(&self) -> TestClient {
        self.gateway.client()
    }

    /// A client with a fresh token of `tenant`.
    pub fn client_of(&self, tenant: uuid::Uuid) -> TestClient {
        self.client()
            .with_token(&self.keys.token(tenant, &["accounts:read"]))
    }
}
