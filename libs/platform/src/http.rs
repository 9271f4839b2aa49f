//! Running a service: the common middleware, extractor error mapping,
//! health routes and the service's own `/openapi.json`.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::Server;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpResponse, HttpServer};
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder, TracingLogger};
use utoipa::openapi::OpenApi;
use utoipa_actix_web::AppExt;

use crate::error::ApiError;
use crate::health::Readiness;

/// The header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// Registers a service's routes (and app data) on a utoipa-aware config.
pub type Configure =
    Arc<dyn Fn(&mut utoipa_actix_web::service_config::ServiceConfig) + Send + Sync>;

/// Everything needed to run one service.
#[derive(Clone)]
pub struct ServiceSpec {
    /// Service name (`accounts`), used in metrics and logs.
    pub name: &'static str,
    /// The service's routes and state.
    pub configure: Configure,
    /// The checks behind `/readyz`.
    pub readiness: Readiness,
    /// Title and description of the service's OpenAPI document.
    pub openapi_base: OpenApi,
    /// Where `Idempotency-Key`s are remembered (the service's database); `None` only
    /// for a spec built to print the OpenAPI document.
    pub idempotency: Option<crate::idempotency::IdempotencyStore>,
}

/// Maps path, query and JSON extractor failures to problem+json naming the parameter.
pub fn extractor_errors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PathConfig::default().error_handler(|err, req| {
        // `PATCH /users/me` reaches the `/users/{id}` route and fails on the id; the
        // client asked `/users/me` for a method it does not have.
        let literal = req
            .app_data::<web::Data<MethodTable>>()
            .and_then(|table| table.literal(req.path()));
        match literal {
            Some(allow) if !allow.iter().any(|m| m == req.method().as_str()) => {
                ApiError::MethodNotAllowed(allow).into()
            }
            _ => ApiError::field("path", format!("invalid path parameter: {err}")).into(),
        }
    }))
    .app_data(web::QueryConfig::default().error_handler(|err, _| {
        let message = err.to_string();
        let message = message
            .trim_start_matches("Query deserialize error: ")
            .to_string();
        ApiError::field("query", message).into()
    }))
    .app_data(web::FormConfig::default().error_handler(|err, _| {
        ApiError::bad_request(crate::error::codes::MALFORMED_FORM, err.to_string()).into()
    }))
    .app_data(web::PayloadConfig::new(crate::json::MAX_JSON_BODY));
}

/// Problem+json 404 for unknown routes.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// The methods each documented path answers, to tell "no such method" (405) from "no
/// such path" (404) in the fallback route.
#[derive(Debug, Clone, Default)]
pub struct MethodTable {
    paths: Vec<(Vec<String>, Vec<String>)>,
}

impl MethodTable {
    /// The table of an OpenAPI document's paths, plus the probes every service has.
    pub fn of(openapi: &OpenApi) -> Self {
        let doc = serde_json::to_value(openapi).unwrap_or_default();
        let mut paths: Vec<(Vec<String>, Vec<String>)> =
            ["/healthz", "/readyz", "/metrics", "/openapi.json"]
                .iter()
                .map(|p| (segments(p), vec!["GET".to_string()]))
                .collect();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            let methods: Vec<String> = [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .iter()
            .filter(|m| item.get(**m).is_some())
            .map(|m| m.to_uppercase())
            .collect();
            paths.push((segments(path), methods));
        }
        Self { paths }
    }

    /// The methods of the documented path spelled exactly `path` (no template in it).
    pub fn literal(&self, path: &str) -> Option<Vec<String>> {
        let wanted = segments(path);
        self.paths
            .iter()
            .find(|(template, _)| *template == wanted)
            .map(|(_, methods)| methods.clone())
    }

    /// The methods `path` answers, if some documented path matches it; a path spelled
    /// out literally (`/users/me`) has only its own, not those of `/users/{id}`.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        if let Some(methods) = self.literal(path) {
            return Some(methods);
        }
        let wanted = segments(path);
        let mut allowed: Vec<String> = Vec::new();
        for (template, methods) in &self.paths {
            let matches = template.len() == wanted.len()
                && template.iter().zip(&wanted).all(|(t, w)| {
                    (t.starts_with('{') && t.ends_with('}') && !w.is_empty()) || t == w
                });
            if matches {
                allowed.extend(methods.iter().cloned());
            }
        }
        if allowed.is_empty() {
            return None;
        }
        allowed.sort();
        allowed.dedup();
        Some(allowed)
    }
}

fn segments(path: &str) -> Vec<String> {
    path.trim_end_matches('/')
        .split('/')
        .map(str::to_string)
        .collect()
}

/// The fallback route: 405 with `Allow` for a known path, else 404.
async fn no_route(
    req: actix_web::HttpRequest,
    table: web::Data<MethodTable>,
) -> Result<HttpResponse, ApiError> {
    match table.allowed(req.path()) {
        Some(allow) if !allow.iter().any(|m| m == req.method().as_str()) => {
            Err(ApiError::MethodNotAllowed(allow))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// Echoes or creates `X-Request-Id` and puts it on the response.
pub async fn request_id(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let header = HeaderName::from_static(REQUEST_ID);
    let id = req
        .headers()
        .get(&header)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(String::from)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    if let Ok(value) = HeaderValue::from_str(&id) {
        req.headers_mut().insert(header.clone(), value);
    }
    let mut response = next.call(req).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(header, value);
    }
    Ok(response)
}

/// The service's OpenAPI document, built from its routes without starting anything.
pub fn openapi_of(spec: &ServiceSpec) -> OpenApi {
    let configure = spec.configure.clone();
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(spec.openapi_base.clone())
        .configure(move |cfg| configure(cfg))
        .split_for_parts();
    let mut api = api;
    describe_shared_parameters(&mut api);
    api
}

/// Documents the parameters the platform parses for every route, so no route has to
/// repeat their bounds: each `If-Match` header gets the pattern and length the shared
/// extractor accepts, each `Idempotency-Key` header the middleware's length, and each
/// `cursor` query parameter the length [`crate::pagination::PageQuery::parse`] accepts.
fn describe_shared_parameters(api: &mut OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{RefOr, Schema};
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            for parameter in operation.parameters.iter_mut().flatten() {
                let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut() else {
                    continue;
                };
                match (&parameter.parameter_in, parameter.name.as_str()) {
                    (ParameterIn::Header, "If-Match") => {
                        schema.pattern = Some(crate::concurrency::IF_MATCH_PATTERN.to_string());
                        schema.max_length = Some(crate::concurrency::MAX_IF_MATCH_LEN);
                    }
                    (ParameterIn::Header, "Idempotency-Key") => {
                        schema.min_length = Some(1);
                        schema.max_length = Some(crate::idempotency::MAX_KEY_LEN);
                    }
                    (ParameterIn::Query, "cursor") => {
                        schema.max_length = Some(crate::pagination::MAX_CURSOR_LEN);
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Starts the service's HTTP server on `listener`.
pub fn serve(spec: ServiceSpec, listener: TcpListener) -> std::io::Result<Server> {
    crate::metrics::init();
    let openapi = web::Data::new(openapi_of(&spec));
    let methods = web::Data::new(MethodTable::of(openapi.get_ref()));
    let readiness = web::Data::new(spec.readiness.clone());
    let idempotency = spec.idempotency.clone().map(web::Data::new);
    let name = spec.name;
    let server = HttpServer::new(move || {
        let configure = spec.configure.clone();
        let openapi = openapi.clone();
        App::new()
            .wrap(from_fn(crate::idempotency::middleware))
            .wrap(from_fn(|req, next: Next<_>| {
                crate::rls::scope(next.call(req))
            }))
            .wrap(from_fn(move |req, next| {
                crate::metrics::track(name, req, next)
            }))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(from_fn(request_id))
            .app_data(readiness.clone())
            .app_data(methods.clone())
            .configure(|cfg| {
                if let Some(store) = &idempotency {
                    cfg.app_data(store.clone());
                }
            })
            .configure(extractor_errors)
            .configure(crate::health::configure)
            .route(
                "/openapi.json",
                web::get().to(move || {
                    let openapi = openapi.clone();
                    async move { HttpResponse::Ok().json(openapi.get_ref()) }
                }),
            )
            .into_utoipa_app()
            .configure(move |cfg| configure(cfg))
            .into_app()
            .default_service(web::to(no_route))
    })
    // Small JSON answers otherwise wait on Nagle's algorithm for the client's delayed ACK
    // (up to 40 ms on Linux) whenever a response is written in more than one segment.
    .tcp_nodelay(true)
    .listen(listener)?
    .shutdown_timeout(10)
    .run();
    Ok(server)
}

/// Adds the bearer-token security scheme and the problem schemas to a service's OpenAPI document.
pub struct BearerSecurity;

impl utoipa::Modify for BearerSecurity {
    fn modify(&self, openapi: &mut OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from POST /oauth/token"))
                    .build(),
            ),
        );
        use utoipa::{PartialSchema, ToSchema};
        components.schemas.insert(
            crate::error::Problem::name().into_owned(),
            crate::error::Problem::schema(),
        );
        components.schemas.insert(
            crate::error::FieldError::name().into_owned(),
            crate::error::FieldError::schema(),
        );
    }
}

/// The problem+json error responses every operation documents.
pub struct ErrorResponses;

impl utoipa::IntoResponses for ErrorResponses {
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
                .into()
        };
        [
            ("400", "Malformed request (bad JSON, bad parameter)"),
            ("401", "Missing, invalid or expired token"),
            ("403", "The token lacks the required scope"),
            ("404", "No such resource in this tenant"),
            ("409", "Conflict with the current state"),
            ("412", "If-Match names a stale version"),
            ("422", "Validation failed; `errors` names each field"),
            ("429", "Rate limited; see Retry-After"),
            ("503", "A dependency is unavailable; see Retry-After"),
        ]
        .into_iter()
        .map(|(status, description)| (status.to_string(), problem(description)))
        .collect()
    }
}

/// The root span of every request: the default HTTP fields plus our request id,
/// and the tenant and actor, which `Authz` records once the token is verified.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> tracing::Span {
        let request_id = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        tracing_actix_web::root_span!(
            request,
            x_request_id = %request_id,
            tenant_id = tracing::field::Empty,
            actor_id = tracing::field::Empty
        )
    }

    fn on_request_end<B: MessageBody>(
        span: tracing::Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(response) => response.status().as_u16(),
            Err(error) => error.as_response_error().status_code().as_u16(),
        };
        // One access-log line per request, inside the span so it carries tenant and ids.
        span.in_scope(|| tracing::info!(status, "request completed"));
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// A 200 with the resource and its ETag.
pub fn with_etag<T: serde::Serialize>(version: i64, body: &T) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header(("ETag", crate::concurrency::etag(version)))
        .json(body)
}

/// A 201 with the resource, its ETag and Location.
pub fn created<T: serde::Serialize>(
    location: String,
    version: i64,
    body: &T,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Created()
        .insert_header(("ETag", crate::concurrency::etag(version)))
        .insert_header(("Location", location))
        .json(body)
}

#[cfg(test)]
mod tests {
    use super::MethodTable;

    fn table() -> MethodTable {
        let doc: utoipa::openapi::OpenApi = serde_json::from_value(serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/api/v1/tickets": {"get": {"responses": {}}, "post": {"responses": {}}},
                "/api/v1/tickets/{id}": {"get": {"responses": {}}, "patch": {"responses": {}}},
                "/api/v1/tickets/views": {"get": {"responses": {}}}
            }
        }))
        .unwrap();
        MethodTable::of(&doc)
    }

    #[test]
    fn a_documented_path_lists_its_methods() {
        let table = table();
        assert_eq!(table.allowed("/api/v1/tickets").unwrap(), ["GET", "POST"]);
        assert_eq!(
            table.allowed("/api/v1/tickets/0190c1a2").unwrap(),
            ["GET", "PATCH"]
        );
        assert_eq!(table.allowed("/healthz").unwrap(), ["GET"]);
    }

    #[test]
    fn a_literal_path_is_not_widened_by_a_template_matching_it() {
        assert_eq!(table().allowed("/api/v1/tickets/views").unwrap(), ["GET"]);
    }

    #[test]
    fn a_literal_path_has_only_its_own_methods() {
        let table = table();
        assert_eq!(table.literal("/api/v1/tickets/views").unwrap(), ["GET"]);
        assert!(table.literal("/api/v1/tickets/0190c1a2").is_none());
    }

    #[test]
    fn an_unknown_path_has_no_methods() {
        let table = table();
        assert!(table.allowed("/api/v1/nothing").is_none());
        assert!(table.allowed("/api/v1/tickets/1/2").is_none());
    }
}
