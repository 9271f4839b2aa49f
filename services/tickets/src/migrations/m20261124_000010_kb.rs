//! The knowledge base: categories, articles with their revisions, links to tickets, and
//! full-text search (a GIN index on PostgreSQL, an FTS5 table on SQLite).

use kefu_platform::schema::*;
use sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::prelude::*;

/// Creates the knowledge-base tables and their search index.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000010_tickets_kb"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            table(
                "kb_categories",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    text("name"),
                    int("position"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "kb_articles",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid_null("category_id"),
                    text("title"),
                    text("body"),
                    text("status"),
                    text("visibility"),
                    int("revision"),
                    uuid_null("author_id"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                    time_null("published_at"),
                ],
            ),
            table(
                "kb_article_revisions",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("article_id"),
                    int("revision"),
                    text("title"),
                    text("body"),
                    uuid_null("author_id"),
                    time("created_at"),
                ],
            ),
            table(
                "kb_ticket_links",
                vec![
                    uuid("tenant_id"),
                    uuid("article_id"),
                    uuid("ticket_id"),
                    time("created_at"),
                ],
            ),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        for i in [
            index(
                "ux_kb_categories_name",
                "kb_categories",
                &["tenant_id", "name"],
                true,
            ),
            index(
                "ix_kb_articles",
                "kb_articles",
                &["tenant_id", "status", "id"],
                false,
            ),
            index(
                "ux_kb_article_revisions",
                "kb_article_revisions",
                &["tenant_id", "article_id", "revision"],
                true,
            ),
            index(
                "ux_kb_ticket_links",
                "kb_ticket_links",
                &["tenant_id", "ticket_id", "article_id"],
                true,
            ),
        ] {
            m.create_index(i).await?;
        }
        let db = m.get_connection();
        match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE INDEX IF NOT EXISTS ix_kb_articles_search ON kb_articles \
                     USING GIN (to_tsvector('simple', title || ' ' || body))",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS kb_articles_fts USING fts5(\
                     article_id UNINDEXED, tenant_id UNINDEXED, title, body)",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "kb_ticket_links",
            "kb_article_revisions",
            "kb_articles",
            "kb_categories",
        ] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
