//! The gateway's own probes, the state of the services behind it, and metrics.

use std::time::Duration;

use actix_web::{guard, web, HttpResponse};
use async_trait::async_trait;
use futures_util::future::join_all;
use kefu_platform::auth::TokenVerifier;
use kefu_platform::health::{self, ReadinessCheck};
use serde_json::{json, Map, Value};

use crate::routes::Upstream;
use crate::Gateway;

/// Time one service has to answer its `/readyz`.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Ready means able to verify tokens: the key set can be fetched.
pub struct KeysReady(pub TokenVerifier);

#[async_trait]
impl ReadinessCheck for KeysReady {
    fn name(&self) -> &'static str {
        "jwks"
    }

    async fn ready(&self) -> bool {
        tokio::time::timeout(Duration::from_secs(3), self.0.ready())
            .await
            .unwrap_or(false)
    }
}

/// Each configured service's `/readyz`, always 200 so that one service being down is
/// visible without taking the gateway out of rotation.
async fn services(gateway: web::Data<Gateway>) -> HttpResponse {
    let upstreams = gateway.routes.upstreams();
    let probes = join_all(upstreams.iter().map(|u| probe(&gateway.client, u))).await;
    let all_up = probes.iter().all(|(_, report)| report["status"] == "up");
    let services: Map<String, Value> = probes.into_iter().collect();
    HttpResponse::Ok().json(json!({
        "status": if all_up { "ok" } else { "degraded" },
        "services": services,
    }))
}

async fn probe(client: &reqwest::Client, upstream: &Upstream) -> (String, Value) {
    let url = format!("{}/readyz", upstream.base_url);
    let report = match client.get(&url).timeout(PROBE_TIMEOUT).send().await {
        Ok(response) => {
            let code = response.status().as_u16();
            let up = response.status().is_success();
            json!({"status": if up { "up" } else { "down" }, "http_status": code})
        }
        Err(error) => {
            let reason = if error.is_timeout() {
                "timeout"
            } else {
                "unreachable"
            };
            json!({"status": "down", "error": reason})
        }
    };
    (upstream.name.clone(), report)
}

/// Registers `/healthz`, `/readyz`, `/healthz/services` and `/metrics`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/healthz")
            .guard(guard::Get())
            .to(health::healthz),
    )
    .service(
        web::resource("/readyz")
            .guard(guard::Get())
            .to(health::readyz),
    )
    .service(
        web::resource("/healthz/services")
            .guard(guard::Get())
            .to(services),
    )
    .service(
        web::resource("/metrics")
            .guard(guard::Get())
            .to(health::metrics),
    );
}
