//! Full-text search over tickets' subject and description: a GIN index on PostgreSQL,
//! an FTS5 table on SQLite (filled from the tickets already there).

use sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::prelude::*;

/// Creates the ticket search index.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000011_tickets_search"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared(
                "CREATE INDEX IF NOT EXISTS ix_tickets_search ON tickets \
                 USING GIN (to_tsvector('simple', subject || ' ' || description))",
            )
            .await?;
        } else {
            db.execute_unprepared(
                "CREATE VIRTUAL TABLE IF NOT EXISTS tickets_fts USING fts5(\
                 ticket_id UNINDEXED, tenant_id UNINDEXED, subject, description)",
            )
            .await?;
            db.execute_unprepared(
                "INSERT INTO tickets_fts (ticket_id, tenant_id, subject, description) \
                 SELECT id, tenant_id, subject, description FROM tickets",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP INDEX IF EXISTS ix_tickets_search")
                .await?;
        } else {
            db.execute_unprepared("DROP TABLE IF EXISTS tickets_fts")
                .await?;
        }
        Ok(())
    }
}
