//! Swagger UI at `/docs`, served from files built into the binary so it works offline.

use std::sync::Arc;

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{guard, web, HttpResponse, HttpResponseBuilder};
use kefu_platform::error::ApiError;
use utoipa_swagger_ui::Config;

/// What the UI loads: the merged document, and no online validator badge.
fn config() -> Arc<Config<'static>> {
    Arc::new(
        Config::new(["/openapi.json"])
            .validator_url("none")
            .try_it_out_enabled(true)
            .persist_authorization(true),
    )
}

async fn redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

async fn file(
    path: web::Path<String>,
    config: web::Data<Config<'static>>,
) -> Result<HttpResponse, ApiError> {
    match utoipa_swagger_ui::serve(&path, config.into_inner()) {
        Ok(Some(file)) if file.content_type.starts_with("text/html") => {
            let page = String::from_utf8_lossy(&file.bytes)
                .replace("<title>Swagger UI</title>", "<title>Kefu API</title>");
            Ok(ok(&file.content_type).body(page))
        }
        Ok(Some(file)) => Ok(ok(&file.content_type).body(file.bytes.into_owned())),
        Ok(None) => Err(ApiError::NotFound),
        Err(error) => Err(ApiError::internal(anyhow::anyhow!("swagger ui: {error}"))),
    }
}

fn ok(content_type: &str) -> HttpResponseBuilder {
    let mut builder = HttpResponse::Ok();
    builder
        .content_type(content_type)
        .insert_header(CacheControl(vec![CacheDirective::NoCache]))
        // The UI is a page of our own origin; no other site may frame it.
        .insert_header(("x-frame-options", "DENY"))
        .insert_header(("x-content-type-options", "nosniff"));
    builder
}

/// Registers `GET /docs` (a redirect) and `GET /docs/{file}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::Data::from(config()))
        .service(web::resource("/docs").guard(guard::Get()).to(redirect))
        .service(
            web::resource("/docs/{file:.*}")
                .guard(guard::Get())
                .to(file),
        );
}
