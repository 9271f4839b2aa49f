//! Knowledge-base use cases: saving an article's change as a revision and announcing
//! what publishing or archiving it means to other services.

use chrono::{DateTime, Utc};
use kefu_events::catalogue::tickets::{ArticleArchived, ArticleData, ArticlePublished};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::app::announce::emit;
use crate::store::entities::kb_article;
use crate::store::kb::KbStore;

fn data(a: &kb_article::Model) -> ArticleData {
    ArticleData {
        article_id: a.id,
        title: a.title.clone(),
        visibility: a.visibility.clone(),
        revision: a.revision,
    }
}

/// Emits the event of an article's change, if it is published or archived by it.
pub async fn announce(
    txn: &DatabaseTransaction,
    actor: Uuid,
    before: Option<&kb_article::Model>,
    after: &kb_article::Model,
) -> Result<(), ApiError> {
    let was = before.map(|b| b.status.as_str()).unwrap_or("draft");
    let republished = after.status == "published"
        && before.is_some_and(|b| b.revision != after.revision || b.visibility != after.visibility);
    match after.status.as_str() {
        "published" if was != "published" || republished => {
            emit(
                txn,
                after.tenant_id,
                Some(actor),
                ArticlePublished(data(after)),
            )
            .await
        }
        "archived" if was != "archived" => {
            emit(
                txn,
                after.tenant_id,
                Some(actor),
                ArticleArchived(data(after)),
            )
            .await
        }
        _ => Ok(()),
    }
}

/// Saves `article` changed by `actor`: a new revision when its text changed, the event.
pub async fn save_change(
    txn: &DatabaseTransaction,
    ctx: &kefu_platform::TenantContext,
    before: &kb_article::Model,
    mut after: kb_article::Model,
    if_match: &IfMatch,
    now: DateTime<Utc>,
) -> Result<kb_article::Model, ApiError> {
    let (store, actor) = (KbStore::new(txn, ctx.tenant_id), ctx.actor);
    let text_changed = after.title != before.title || after.body != before.body;
    if text_changed {
        after.revision = before.revision + 1;
        after.author_id = Some(actor);
    }
    if after.status == "published" && after.published_at.is_none() {
        after.published_at = Some(now);
    }
    after.updated_at = now;
    let saved = store.save_article(after, if_match).await?;
    if text_changed {
        store.add_revision(&saved).await?;
    }
    announce(txn, actor, Some(before), &saved).await?;
    Ok(saved)
}
