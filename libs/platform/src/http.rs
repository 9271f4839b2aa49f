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
}

/// Maps path, query and JSON extractor failures to problem+json naming the parameter.
pub fn extractor_errors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PathConfig::default().error_handler(|err, _| {
        ApiError::field("path", format!("invalid path parameter: {err}")).into()
    }))
    .app_data(web::QueryConfig::default().error_handler(|err, _| {
        let message = err.to_string();
        let message = message
            .trim_start_matches("Query deserialize error: ")
            .to_string();
        ApiError::field("query", message).into()
    }))
    .app_data(
        web::FormConfig::default().error_handler(|err, _| {
            ApiError::bad_request("malformed_form", err.to_string()).into()
        }),
    )
    .app_data(web::PayloadConfig::new(crate::json::MAX_JSON_BODY));
}

/// Problem+json 404 for unknown routes, 405-free (an unknown method is also "no such route").
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
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
    api
}

/// Starts the service's HTTP server on `listener`.
pub fn serve(spec: ServiceSpec, listener: TcpListener) -> std::io::Result<Server> {
    crate::metrics::init();
    let openapi = web::Data::new(openapi_of(&spec));
    let readiness = web::Data::new(spec.readiness.clone());
    let name = spec.name;
    let server = HttpServer::new(move || {
        let configure = spec.configure.clone();
        let openapi = openapi.clone();
        App::new()
            .wrap(from_fn(crate::idempotency::middleware))
            .wrap(from_fn(move |req, next| {
                crate::metrics::track(name, req, next)
            }))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(from_fn(request_id))
            .app_data(readiness.clone())
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
            .default_service(web::to(not_found))
    })
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
