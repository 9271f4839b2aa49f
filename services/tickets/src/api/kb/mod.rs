//! `/api/v1/kb`: the knowledge base — categories, articles (markdown, draft / published /
//! archived, internal / public) with every revision kept, full-text search, and articles
//! linked to tickets. Portal users read published public articles only.

mod articles;
mod categories;

use kefu_platform::auth::TenantContext;
use kefu_platform::ApiError;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::store::entities::kb_article;

pub use articles::*;
pub use categories::*;

/// Whether the caller reads as staff (`kb:read`) or through the portal (published public only).
fn staff_reader(ctx: &TenantContext) -> Result<bool, ApiError> {
    if ctx.has_scope("kb:read") {
        Ok(true)
    } else if ctx.has_scope("portal") {
        Ok(false)
    } else {
        Err(ApiError::Forbidden("kb:read".into()))
    }
}

/// Whether a reader sees the article: staff see all, the portal published public ones.
fn readable(staff: bool, a: &kb_article::Model) -> bool {
    staff || (a.status == "published" && a.visibility == "public")
}

/// Registers the knowledge-base routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_categories)
        .service(create_category)
        .service(get_category)
        .service(update_category)
        .service(delete_category)
        .service(list_articles)
        .service(create_article)
        .service(get_article)
        .service(update_article)
        .service(list_revisions)
        .service(restore_revision)
        .service(link_article)
        .service(ticket_articles);
}
