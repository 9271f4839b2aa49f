//! The merged OpenAPI 3.1 document of every service, served at `/openapi.json`.

use std::time::{Duration, Instant};

use actix_web::{guard, web, HttpResponse};
use bytes::Bytes;
use futures_util::future::join_all;
use serde_json::{json, Map, Value};
use tokio::sync::Mutex;

use crate::routes::Upstream;
use crate::Gateway;

/// Time one service has to hand over its document.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Merges services' OpenAPI documents into one Kefu API document. The first document
/// that defines a path operation, a component or a tag wins; later clashes are logged.
pub fn merge_documents(documents: Vec<Value>) -> Value {
    let mut paths = Map::new();
    let mut webhooks = Map::new();
    let mut components: Map<String, Value> = Map::new();
    let mut tags: Vec<Value> = Vec::new();
    for document in documents {
        if let Some(Value::Object(more)) = document.get("paths") {
            merge_path_items(&mut paths, more);
        }
        if let Some(Value::Object(more)) = document.get("webhooks") {
            merge_path_items(&mut webhooks, more);
        }
        if let Some(Value::Object(kinds)) = document.get("components") {
            for (kind, items) in kinds {
                let Value::Object(items) = items else {
                    continue;
                };
                let merged = components
                    .entry(kind.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(merged) = merged {
                    merge_named(merged, items, kind);
                }
            }
        }
        if let Some(Value::Array(more)) = document.get("tags") {
            for tag in more {
                if !tags.iter().any(|t| t.get("name") == tag.get("name")) {
                    tags.push(tag.clone());
                }
            }
        }
    }
    let mut merged = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Kefu API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Multi-tenant customer service: accounts, customers, tickets, \
                surveys, training and reporting behind one gateway.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "paths": paths,
        "components": components,
    });
    if !webhooks.is_empty() {
        merged["webhooks"] = Value::Object(webhooks);
    }
    if !tags.is_empty() {
        merged["tags"] = Value::Array(tags);
    }
    crate::openapi_contract::add_gateway_contract(&mut merged);
    crate::openapi_links::add_links(&mut merged);
    merged
}

/// Sets the document's `servers` to the gateway's public URL.
pub fn set_server(document: &mut Value, public_url: &str) {
    document["servers"] = json!([{"url": public_url}]);
}

fn merge_path_items(into: &mut Map<String, Value>, more: &Map<String, Value>) {
    for (path, item) in more {
        match (into.get_mut(path), item) {
            (None, _) => {
                into.insert(path.clone(), item.clone());
            }
            (Some(Value::Object(existing)), Value::Object(item)) => {
                merge_named(existing, item, path);
            }
            _ => tracing::warn!(%path, "OpenAPI path defined twice; keeping the first"),
        }
    }
}

fn merge_named(into: &mut Map<String, Value>, more: &Map<String, Value>, context: &str) {
    for (name, value) in more {
        match into.get(name) {
            None => {
                into.insert(name.clone(), value.clone());
            }
            Some(existing) if existing != value => {
                tracing::warn!(%context, %name, "OpenAPI definitions clash; keeping the first");
            }
            Some(_) => {}
        }
    }
}

/// The merged document, fetched again once it is older than the cache time.
pub(crate) struct OpenApiCache {
    ttl: Duration,
    cached: Mutex<Option<(Instant, Bytes)>>,
}

impl OpenApiCache {
    /// An empty cache keeping documents for `ttl`.
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            cached: Mutex::new(None),
        }
    }

    /// The merged document as JSON bytes; one fetch at a time, shared by concurrent callers.
    pub(crate) async fn document(&self, gateway: &Gateway) -> Bytes {
        let mut cached = self.cached.lock().await;
        if let Some((at, body)) = cached.as_ref() {
            if at.elapsed() < self.ttl {
                return body.clone();
            }
        }
        let upstreams: Vec<&Upstream> = gateway
            .openapi_services
            .iter()
            .filter_map(|name| gateway.routes.upstream(name).map(|u| u.as_ref()))
            .collect();
        let fetched = join_all(upstreams.iter().map(|u| fetch(&gateway.client, u))).await;
        let mut document = merge_documents(fetched.into_iter().flatten().collect());
        set_server(&mut document, &gateway.public_url);
        let body = Bytes::from(serde_json::to_vec(&document).unwrap_or_default());
        *cached = Some((Instant::now(), body.clone()));
        body
    }
}

async fn fetch(client: &reqwest::Client, upstream: &Upstream) -> Option<Value> {
    let url = format!("{}/openapi.json", upstream.base_url);
    let answer = async {
        client
            .get(&url)
            .timeout(FETCH_TIMEOUT)
            .send()
            .await?
            .error_for_status()?
            .json::<Value>()
            .await
    };
    match answer.await {
        Ok(document) => Some(document),
        Err(error) => {
            tracing::warn!(upstream = %upstream.name, %error, "OpenAPI document unavailable");
            None
        }
    }
}

async fn openapi_json(gateway: web::Data<Gateway>) -> HttpResponse {
    let body = gateway.openapi.document(&gateway).await;
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

/// Registers `GET /openapi.json`.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/openapi.json")
            .guard(guard::Get())
            .to(openapi_json),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "accounts", "version": "1"},
            "paths": {
                "/api/v1/users": {"get": {"operationId": "list_users"}},
                "/oauth/token": {"post": {"operationId": "token"}}
            },
            "components": {"schemas": {
                "Problem": {"type": "object"},
                "User": {"type": "object", "title": "accounts user"}
            }},
            "tags": [{"name": "users"}]
        })
    }

    fn tickets() -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "tickets", "version": "1"},
            "paths": {
                "/api/v1/tickets": {"get": {"operationId": "list_tickets"}},
                "/api/v1/users": {"post": {"operationId": "clash"}, "get": {"operationId": "other"}}
            },
            "components": {
                "schemas": {"Problem": {"type": "object"}, "User": {"type": "string"}},
                "securitySchemes": {"bearer_auth": {"type": "http", "scheme": "bearer"}}
            },
            "tags": [{"name": "users"}, {"name": "tickets"}]
        })
    }

    #[test]
    fn merges_paths_components_and_tags() {
        let merged = merge_documents(vec![accounts(), tickets()]);
        assert_eq!(merged["openapi"], "3.1.0");
        assert_eq!(merged["info"]["title"], "Kefu API");
        let paths = merged["paths"].as_object().unwrap();
        assert!(paths.contains_key("/oauth/token"));
        assert!(paths.contains_key("/api/v1/tickets"));
        assert_eq!(paths["/api/v1/users"]["get"]["operationId"], "list_users");
        assert_eq!(paths["/api/v1/users"]["post"]["operationId"], "clash");
        let schemas = &merged["components"]["schemas"];
        assert_eq!(schemas["User"]["title"], "accounts user");
        assert!(schemas.get("Problem").is_some());
        let schemes = &merged["components"]["securitySchemes"];
        assert_eq!(schemes["bearer"]["type"], "oauth2");
        assert!(schemes.get("bearer_auth").is_some());
        assert_eq!(merged["tags"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn nothing_to_merge_is_still_a_valid_document() {
        let mut merged = merge_documents(Vec::new());
        set_server(&mut merged, "https://kefu.example");
        assert_eq!(merged["openapi"], "3.1.0");
        assert_eq!(merged["paths"], json!({}));
        assert_eq!(merged["servers"][0]["url"], "https://kefu.example");
        assert!(merged.get("tags").is_none());
    }
}
