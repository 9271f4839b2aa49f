//! `/healthz` (alive), `/readyz` (dependencies reachable) and `/metrics`.

use std::sync::Arc;

use actix_web::{web, HttpResponse};
use async_trait::async_trait;
use sea_orm::DatabaseConnection;
use serde_json::json;

/// One dependency readiness depends on.
#[async_trait]
pub trait ReadinessCheck: Send + Sync {
    /// A short name for the report (`database`, `bus`, `jwks`).
    fn name(&self) -> &'static str;
    /// Whether the dependency answers now.
    async fn ready(&self) -> bool;
    /// Whether the service is unready without it. A non-critical dependency that is
    /// down is reported (status `degraded`) while the service keeps taking requests,
    /// e.g. the event bus: writes go on into the outbox.
    fn critical(&self) -> bool {
        true
    }
}

/// The database answers a ping.
pub struct DatabaseReady(pub DatabaseConnection);

#[async_trait]
impl ReadinessCheck for DatabaseReady {
    fn name(&self) -> &'static str {
        "database"
    }
    async fn ready(&self) -> bool {
        tokio::time::timeout(std::time::Duration::from_secs(2), self.0.ping())
            .await
            .map(|r| r.is_ok())
            .unwrap_or(false)
    }
}

/// The checks behind `/readyz`.
#[derive(Clone, Default)]
pub struct Readiness {
    checks: Vec<Arc<dyn ReadinessCheck>>,
}

impl Readiness {
    /// No checks: always ready.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a check.
    pub fn with(mut self, check: impl ReadinessCheck + 'static) -> Self {
        self.checks.push(Arc::new(check));
        self
    }
    /// Runs every check; `(ready, degraded, report)`: ready when every critical check
    /// is up, degraded when a non-critical one is down.
    pub async fn report(&self) -> (bool, bool, serde_json::Value) {
        let mut ready = true;
        let mut degraded = false;
        let mut report = serde_json::Map::new();
        for check in &self.checks {
            let ok = check.ready().await;
            if check.critical() {
                ready &= ok;
            } else {
                degraded |= !ok;
            }
            report.insert(check.name().into(), json!(if ok { "up" } else { "down" }));
        }
        (ready, degraded, serde_json::Value::Object(report))
    }
}

/// Liveness: the process serves requests.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Readiness: every dependency answers.
pub async fn readyz(readiness: web::Data<Readiness>) -> HttpResponse {
    let (ready, degraded, checks) = readiness.report().await;
    let status = match (ready, degraded) {
        (false, _) => "not_ready",
        (true, true) => "degraded",
        (true, false) => "ready",
    };
    let body = json!({"status": status, "checks": checks});
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "5"))
            .json(body)
    }
}

/// Prometheus text exposition of this process's metrics.
pub async fn metrics() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(crate::metrics::render())
}

/// Registers `/healthz`, `/readyz` and `/metrics`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}
