//! The Kefu gateway: the one front door. It routes `/api/v1/...` to the owning service,
//! verifies tokens before any service sees a request, applies per-tenant, per-credential
//! and per-IP rate limits, and serves the merged OpenAPI document and offline docs.

mod access;
pub mod client_ip;
mod cors;
mod docs;
pub mod error_codes;
mod health;
pub mod openapi;
pub mod openapi_contract;
mod openapi_links;
mod proxy;
pub mod rate_limit;
pub mod routes;
pub mod settings;
pub mod trace_context;

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use kefu_platform::auth::TokenVerifier;
use kefu_platform::health::Readiness;
use kefu_platform::http::{request_id, RequestSpan};
use tracing_actix_web::TracingLogger;

pub use openapi::{merge_documents, set_server};
pub use settings::{RouteTarget, Settings};

use client_ip::IpRange;
use openapi::OpenApiCache;
use rate_limit::RateLimits;
use routes::{PrefixMap, RoutingTable};

/// Everything a request handler of the gateway needs, shared by all workers.
pub(crate) struct Gateway {
    routes: RoutingTable,
    timeouts: PrefixMap<Duration>,
    timeout: Duration,
    verifier: TokenVerifier,
    limits: RateLimits,
    trusted_proxies: Vec<IpRange>,
    body_limit: usize,
    upload_limit: usize,
    client: reqwest::Client,
    openapi: OpenApiCache,
    openapi_services: Vec<String>,
    public_url: String,
}

impl Gateway {
    fn new(settings: &Settings, verifier: TokenVerifier) -> anyhow::Result<Self> {
        let longest = settings
            .route_timeouts
            .iter()
            .map(|(_, timeout)| *timeout)
            .fold(settings.timeout, Duration::max);
        let client = reqwest::Client::builder()
            .no_proxy()
            // A proxy passes redirects on to the client; it never follows them itself.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
            // Waiting for the head is bounded per route in the proxy; this bounds a stalled body.
            .read_timeout(longest)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .build()
            .context("building the upstream HTTP client")?;
        Ok(Self {
            routes: RoutingTable::from_settings(settings),
            timeouts: PrefixMap::new(settings.route_timeouts.clone()),
            timeout: settings.timeout,
            verifier,
            limits: RateLimits::new(settings),
            trusted_proxies: settings.trusted_proxies.clone(),
            body_limit: settings.body_limit_bytes,
            upload_limit: settings.upload_limit_bytes,
            client,
            openapi: OpenApiCache::new(settings.openapi_cache),
            openapi_services: settings.openapi_services.clone(),
            public_url: settings.public_url.clone(),
        })
    }
}

/// Starts the gateway on `listener`; `verifier` checks tokens (the caller picks its key source).
pub fn serve(
    settings: Settings,
    verifier: TokenVerifier,
    listener: TcpListener,
) -> std::io::Result<Server> {
    settings.validate().map_err(std::io::Error::other)?;
    kefu_platform::metrics::init();
    let gateway =
        web::Data::new(Gateway::new(&settings, verifier.clone()).map_err(std::io::Error::other)?);
    let readiness = web::Data::new(Readiness::new().with(health::KeysReady(verifier)));
    let origins = settings.cors_origins;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(gateway.clone())
            .app_data(readiness.clone())
            .wrap(from_fn(access::guard))
            .wrap(cors::policy(&origins))
            .wrap(from_fn(cors::problems))
            .wrap(from_fn(|req, next| {
                kefu_platform::metrics::track("gateway", req, next)
            }))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(from_fn(request_id))
            .configure(health::configure)
            .configure(openapi::configure)
            .configure(docs::configure)
            .default_service(web::to(proxy::forward))
    })
    // Small JSON answers otherwise wait on Nagle's algorithm for the client's delayed ACK
    // (up to 40 ms on Linux) whenever a response is written in more than one segment.
    .tcp_nodelay(true)
    .listen(listener)?
    .shutdown_timeout(10)
    .run();
    Ok(server)
}

/// Runs the gateway on `settings.listen_addr` with keys fetched from accounts, until stopped.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let verifier = settings.verifier()?;
    let listener = TcpListener::bind(&settings.listen_addr)
        .with_context(|| format!("binding {}", settings.listen_addr))?;
    tracing::info!(addr = %settings.listen_addr, upstreams = ?settings.upstreams, "gateway listening");
    serve(settings, verifier, listener)?.await?;
    Ok(())
}
