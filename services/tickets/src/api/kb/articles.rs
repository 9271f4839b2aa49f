//! `/api/v1/kb/articles`: articles, their revisions, and their links to tickets.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::{AnyScope, KbWrite, TicketsRead, TicketsWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::query::Query;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::access::Caller;
use crate::app::kb::{announce, save_change};
use crate::app::tickets::visible_ticket;
use crate::domain::ids::TicketId;
use crate::state::AppState;
use crate::store::entities::kb_article;
use crate::store::kb::KbStore;

use super::{readable, staff_reader};

/// An article.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "category_id": null, "title": "Clearing a paper jam", "body": "1. Open tray 2.\n2. Pull the sheet out slowly.", "status": "published", "visibility": "public", "revision": 2, "author_id": null, "version": 3, "created_at": "2026-11-02T02:15:00Z", "updated_at": "2026-11-03T08:00:00Z", "published_at": "2026-11-02T03:00:00Z"}))]
pub struct ArticleView {
    /// Id.
    pub id: Uuid,
    /// Category.
    pub category_id: Option<Uuid>,
    /// Title.
    pub title: String,
    /// Markdown body.
    pub body: String,
    /// `draft`, `published` or `archived`.
    pub status: String,
    /// `internal` or `public`.
    pub visibility: String,
    /// Current revision.
    pub revision: i64,
    /// Author of the current revision.
    pub author_id: Option<Uuid>,
    /// Version, for `If-Match`.
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// First published.
    pub published_at: Option<DateTime<Utc>>,
}

impl From<kb_article::Model> for ArticleView {
    fn from(a: kb_article::Model) -> Self {
        Self {
            id: a.id,
            category_id: a.category_id,
            title: a.title,
            body: a.body,
            status: a.status,
            visibility: a.visibility,
            revision: a.revision,
            author_id: a.author_id,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
            published_at: a.published_at,
        }
    }
}

/// Articles.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct ArticleList {
    /// Best match first with `q`, else newest first.
    pub items: Vec<ArticleView>,
}

/// Filters of the article list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleQuery {
    /// Words to search for in title and body (up to 200 characters).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// `draft`, `published` or `archived` (staff only).
    #[param(pattern = "^(draft|published|archived)$")]
    pub status: Option<String>,
    /// `internal` or `public`.
    #[param(pattern = "^(internal|public)$")]
    pub visibility: Option<String>,
    /// Only this category.
    pub category_id: Option<Uuid>,
    /// At most this many, 1–100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

const STATUSES: [&str; 3] = ["draft", "published", "archived"];
const VISIBILITIES: [&str; 2] = ["internal", "public"];

/// A new article (a draft unless `status` says otherwise).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Clearing a paper jam", "body": "1. Open tray 2.\n2. Pull the sheet out slowly.", "visibility": "public"}))]
pub struct NewArticleBody {
    /// Title, 1–200 characters.
    #[schema(max_length = 200)]
    pub title: String,
    /// Markdown, up to 100 000 characters.
    #[schema(max_length = 100000)]
    pub body: String,
    /// Category.
    pub category_id: Option<Uuid>,
    /// `internal` (default) or `public`.
    #[schema(pattern = "^(internal|public)$")]
    pub visibility: Option<String>,
    /// `draft` (default), `published` or `archived`.
    #[schema(pattern = "^(draft|published|archived)$")]
    pub status: Option<String>,
}

fn check_article(
    checks: &mut Checks,
    title: Option<&str>,
    body: Option<&str>,
    status: Option<&str>,
    visibility: Option<&str>,
) {
    checks.length_opt("title", title.map(str::trim), 1, 200);
    checks.length_opt("body", body, 0, 100_000);
    if let Some(s) = status {
        checks.ensure(
            STATUSES.contains(&s),
            "status",
            "must be draft, published or archived",
        );
    }
    if let Some(v) = visibility {
        checks.ensure(
            VISIBILITIES.contains(&v),
            "visibility",
            "must be internal or public",
        );
    }
}

impl Validate for NewArticleBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_article(
            &mut checks,
            Some(&self.title),
            Some(&self.body),
            self.status.as_deref(),
            self.visibility.as_deref(),
        );
        checks.finish()
    }
}

/// Changes to an article; a new title or body is a new revision.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "published"}))]
pub struct ArticlePatch {
    /// Title, 1–200 characters.
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// Markdown body, up to 100 000 characters.
    #[schema(max_length = 100000)]
    pub body: Option<String>,
    /// Category.
    pub category_id: Option<Uuid>,
    /// `internal` or `public`.
    #[schema(pattern = "^(internal|public)$")]
    pub visibility: Option<String>,
    /// `draft`, `published` or `archived`.
    #[schema(pattern = "^(draft|published|archived)$")]
    pub status: Option<String>,
}

impl Validate for ArticlePatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_article(
            &mut checks,
            self.title.as_deref(),
            self.body.as_deref(),
            self.status.as_deref(),
            self.visibility.as_deref(),
        );
        checks.finish()
    }
}

/// Lists or searches articles; portal users get published public ones only.
#[utoipa::path(tag = "kb", params(ArticleQuery), responses((status = 200, description = "Articles", body = ArticleList), ErrorResponses), security(("bearer" = ["kb:read"]), ("bearer" = ["portal"])))]
#[get("/api/v1/kb/articles")]
pub async fn list_articles(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    query: Query<ArticleQuery>,
) -> Result<HttpResponse, ApiError> {
    let staff = staff_reader(&auth)?;
    let query = query.0;
    let limit = query.limit.unwrap_or(50);
    let mut checks = Checks::new();
    checks.ensure(
        (1..=100).contains(&limit),
        "limit",
        "must be between 1 and 100",
    );
    check_article(
        &mut checks,
        None,
        None,
        query.status.as_deref(),
        query.visibility.as_deref(),
    );
    checks.length_opt("q", query.q.as_deref(), 0, 200);
    checks.finish()?;
    let store = KbStore::new(&state.db, auth.tenant_id);
    let (status, visibility) = if staff {
        (query.status.clone(), query.visibility.clone())
    } else {
        (Some("published".into()), Some("public".into()))
    };
    let keep = |a: &kb_article::Model| {
        status.as_ref().is_none_or(|s| &a.status == s)
            && visibility.as_ref().is_none_or(|v| &a.visibility == v)
            && query.category_id.is_none_or(|c| a.category_id == Some(c))
    };
    let items: Vec<kb_article::Model> =
        match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            Some(words) => {
                // One query for every hit, then back into the search's rank order.
                let ranked = store.search(words, 200).await?;
                let mut hits = store.articles_by_ids(&ranked).await?;
                hits.retain(|a| keep(a));
                hits.sort_by_key(|a| ranked.iter().position(|id| *id == a.id));
                hits.truncate(limit as usize);
                hits
            }
            None => {
                let statuses: Vec<&str> = status.iter().map(String::as_str).collect();
                store
                    .articles(&statuses, visibility.as_deref(), query.category_id, limit)
                    .await?
            }
        };
    Ok(HttpResponse::Ok().json(ArticleList {
        items: items.into_iter().map(ArticleView::from).collect(),
    }))
}

/// Writes an article (revision 1).
#[utoipa::path(tag = "kb", request_body = NewArticleBody, responses((status = 201, description = "Article created", body = ArticleView), ErrorResponses), security(("bearer" = ["kb:write"])))]
#[post("/api/v1/kb/articles")]
pub async fn create_article(
    state: web::Data<AppState>,
    auth: Authz<KbWrite>,
    body: Json<NewArticleBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let body = body.into_inner();
    let ctx = auth.ctx.clone();
    let saved = state
        .outbox
        .transaction::<_, _, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let store = KbStore::new(txn, ctx.tenant_id);
                if let Some(category) = body.category_id {
                    store.category(category).await?.ok_or_else(|| {
                        ApiError::field("category_id", "is not a category of this tenant")
                    })?;
                }
                let status = body.status.unwrap_or_else(|| "draft".into());
                let article = kb_article::Model {
                    id: Uuid::now_v7(),
                    tenant_id: ctx.tenant_id.uuid(),
                    category_id: body.category_id,
                    title: body.title.trim().to_string(),
                    body: body.body,
                    published_at: (status == "published").then_some(now),
                    status,
                    visibility: body.visibility.unwrap_or_else(|| "internal".into()),
                    revision: 1,
                    author_id: Some(ctx.actor),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                let saved = store.insert_article(article).await?;
                store.add_revision(&saved).await?;
                announce(txn, ctx.actor, None, &saved).await?;
                Ok(saved)
            })
        })
        .await?;
    Ok(created(
        format!("/api/v1/kb/articles/{}", saved.id),
        saved.version,
        &ArticleView::from(saved),
    ))
}

/// One article.
#[utoipa::path(tag = "kb", params(("id" = Uuid, Path, description = "Article id")), responses((status = 200, description = "The article", body = ArticleView), ErrorResponses), security(("bearer" = ["kb:read"]), ("bearer" = ["portal"])))]
#[get("/api/v1/kb/articles/{id}")]
pub async fn get_article(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let staff = staff_reader(&auth)?;
    let found = KbStore::new(&state.db, auth.tenant_id)
        .article(*id)
        .await?
        .filter(|a| readable(staff, a))
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(found.version, &ArticleView::from(found)))
}

/// Edits, publishes or archives an article.
#[utoipa::path(tag = "kb", params(("id" = Uuid, Path, description = "Article id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = ArticlePatch, responses((status = 200, description = "The article", body = ArticleView), ErrorResponses), security(("bearer" = ["kb:write"])))]
#[patch("/api/v1/kb/articles/{id}")]
pub async fn update_article(
    state: web::Data<AppState>,
    auth: Authz<KbWrite>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<ArticlePatch>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let patch = body.into_inner();
    let ctx = auth.ctx.clone();
    let id = *id;
    let saved = state
        .outbox
        .transaction::<_, _, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let store = KbStore::new(txn, ctx.tenant_id);
                let before = store.article(id).await?.ok_or(ApiError::NotFound)?;
                let mut after = before.clone();
                if let Some(title) = patch.title {
                    after.title = title.trim().to_string();
                }
                if let Some(body) = patch.body {
                    after.body = body;
                }
                if let Some(category) = patch.category_id {
                    store.category(category).await?.ok_or_else(|| {
                        ApiError::field("category_id", "is not a category of this tenant")
                    })?;
                    after.category_id = Some(category);
                }
                if let Some(v) = patch.visibility {
                    after.visibility = v;
                }
                if let Some(s) = patch.status {
                    after.status = s;
                }
                save_change(txn, &ctx, &before, after, &if_match, now).await
            })
        })
        .await?;
    Ok(with_etag(saved.version, &ArticleView::from(saved)))
}

/// One revision of an article.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionView {
    /// Revision number.
    pub revision: i64,
    /// Title then.
    pub title: String,
    /// Body then.
    pub body: String,
    /// Who wrote it.
    pub author_id: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// An article's revisions.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"revision": 1, "title": "Clearing a paper jam", "body": "Open tray 2.", "author_id": null, "created_at": "2026-11-02T02:15:00Z"}]}))]
pub struct RevisionList {
    /// Oldest first.
    pub items: Vec<RevisionView>,
}

/// Every revision of an article.
#[utoipa::path(tag = "kb", params(("id" = Uuid, Path, description = "Article id")), responses((status = 200, description = "Revisions", body = RevisionList), ErrorResponses), security(("bearer" = ["kb:write"])))]
#[get("/api/v1/kb/articles/{id}/revisions")]
pub async fn list_revisions(
    state: web::Data<AppState>,
    auth: Authz<KbWrite>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = KbStore::new(&state.db, auth.tenant_id);
    let article = store.article(*id).await?.ok_or(ApiError::NotFound)?;
    let items = store
        .revisions(article.id)
        .await?
        .into_iter()
        .map(|r| RevisionView {
            revision: r.revision,
            title: r.title,
            body: r.body,
            author_id: r.author_id,
            created_at: r.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(RevisionList { items }))
}

/// Which revision to bring back.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1}))]
pub struct RestoreBody {
    /// The revision whose title and body become current again (as a new revision).
    pub revision: i64,
}

impl Validate for RestoreBody {}

/// Restores an old revision's title and body as the article's next revision.
#[utoipa::path(tag = "kb", params(("id" = Uuid, Path, description = "Article id")), request_body = RestoreBody, responses((status = 200, description = "The article", body = ArticleView), ErrorResponses), security(("bearer" = ["kb:write"])))]
#[post("/api/v1/kb/articles/{id}/restore")]
pub async fn restore_revision(
    state: web::Data<AppState>,
    auth: Authz<KbWrite>,
    id: web::Path<Uuid>,
    body: Json<RestoreBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let wanted = body.into_inner().revision;
    let ctx = auth.ctx.clone();
    let id = *id;
    let saved = state
        .outbox
        .transaction::<_, _, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let store = KbStore::new(txn, ctx.tenant_id);
                let before = store.article(id).await?.ok_or(ApiError::NotFound)?;
                let old = store
                    .revisions(id)
                    .await?
                    .into_iter()
                    .find(|r| r.revision == wanted)
                    .ok_or_else(|| {
                        ApiError::field("revision", "is not a revision of this article")
                    })?;
                let mut after = before.clone();
                after.title = old.title;
                after.body = old.body;
                save_change(txn, &ctx, &before, after, &IfMatch::Absent, now).await
            })
        })
        .await?;
    Ok(with_etag(saved.version, &ArticleView::from(saved)))
}

/// The article to link to a ticket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"article_id": "0193a0c4-f177-7f28-a85c-2cce39263059"}))]
pub struct LinkArticleBody {
    /// The article.
    pub article_id: Uuid,
}

impl Validate for LinkArticleBody {}

/// Links a knowledge-base article to a ticket.
#[utoipa::path(tag = "kb", params(("id" = Uuid, Path, description = "Ticket id")), request_body = LinkArticleBody, responses((status = 200, description = "The ticket's articles", body = ArticleList), ErrorResponses), security(("bearer" = ["tickets:write"])))]
#[post("/api/v1/tickets/{id}/articles")]
pub async fn link_article(
    state: web::Data<AppState>,
    auth: Authz<TicketsWrite>,
    id: web::Path<Uuid>,
    body: Json<LinkArticleBody>,
) -> Result<HttpResponse, ApiError> {
    let ticket = visible_ticket(
        &state.db,
        &auth,
        Caller::writer(&auth)?,
        TicketId::from(*id),
    )
    .await?;
    let store = KbStore::new(&state.db, auth.tenant_id);
    let article = store
        .article(body.article_id)
        .await?
        .ok_or_else(|| ApiError::field("article_id", "is not an article of this tenant"))?;
    store.link(article.id, ticket.id).await?;
    let items = store.linked_to(ticket.id).await?;
    Ok(HttpResponse::Ok().json(ArticleList {
        items: items.into_iter().map(ArticleView::from).collect(),
    }))
}

/// The articles linked to a ticket.
#[utoipa::path(tag = "kb", params(("id" = Uuid, Path, description = "Ticket id")), responses((status = 200, description = "Articles", body = ArticleList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/tickets/{id}/articles")]
pub async fn ticket_articles(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let ticket = visible_ticket(
        &state.db,
        &auth,
        Caller::reader(&auth)?,
        TicketId::from(*id),
    )
    .await?;
    let items = KbStore::new(&state.db, auth.tenant_id)
        .linked_to(ticket.id)
        .await?;
    Ok(HttpResponse::Ok().json(ArticleList {
        items: items.into_iter().map(ArticleView::from).collect(),
    }))
}
