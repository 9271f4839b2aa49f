//! A local OTLP/HTTP trace collector: accepts the exporter's `POST /v1/traces`, counts
//! the spans, keeps nothing. It answers at once, so the figure is the exporting
//! process's cost, not a real collector's speed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

/// What the collector has received.
#[derive(Debug, Default)]
pub struct Received {
    /// Export requests.
    pub posts: AtomicU64,
    /// Spans in them.
    pub spans: AtomicU64,
    /// Bytes of the request bodies.
    pub bytes: AtomicU64,
    /// Bodies that were not an OTLP trace export.
    pub rejected: AtomicU64,
}

impl Received {
    /// `(posts, spans, bytes, rejected)` now.
    pub fn snapshot(&self) -> (u64, u64, u64, u64) {
        (
            self.posts.load(Ordering::Relaxed),
            self.spans.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
            self.rejected.load(Ordering::Relaxed),
        )
    }
}

/// A running collector.
pub struct Collector {
    /// The endpoint to give `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub endpoint: String,
    /// Counts so far.
    pub received: Arc<Received>,
    handle: actix_web::dev::ServerHandle,
}

impl Collector {
    /// Starts a collector on a loopback port.
    pub fn start() -> anyhow::Result<Self> {
        let (listener, endpoint) = kefu_testkit::bind_loopback()?;
        let received = Arc::new(Received::default());
        let counts = web::Data::from(received.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(counts.clone())
                .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                .default_service(web::to(export))
        })
        // One worker: a collector on another machine would not take these cores.
        .workers(1)
        .listen(listener)?
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(Self {
            endpoint,
            received,
            handle,
        })
    }

    /// Stops the collector.
    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

async fn export(counts: web::Data<Received>, body: web::Bytes) -> HttpResponse {
    counts.posts.fetch_add(1, Ordering::Relaxed);
    counts.bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
    match ExportTraceServiceRequest::decode(body) {
        Ok(request) => {
            let spans: usize = request
                .resource_spans
                .iter()
                .flat_map(|r| &r.scope_spans)
                .map(|s| s.spans.len())
                .sum();
            counts.spans.fetch_add(spans as u64, Ordering::Relaxed);
        }
        Err(_) => {
            counts.rejected.fetch_add(1, Ordering::Relaxed);
        }
    }
    // An empty ExportTraceServiceResponse: everything accepted.
    HttpResponse::Ok()
        .content_type("application/x-protobuf")
        .finish()
}
