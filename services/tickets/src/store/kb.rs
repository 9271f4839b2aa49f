//! The knowledge base of one tenant: categories, articles and their revisions, links to
//! tickets, and full-text search — PostgreSQL full-text search or SQLite FTS5 behind the
//! same calls.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Statement, Value,
};
use uuid::Uuid;

use super::entities::{kb_article, kb_article_revision, kb_category, kb_ticket_link};

/// The knowledge base of one tenant.
pub struct KbStore<'a, C> {
    conn: &'a C,
    tenant: TenantId,
}

/// `words` as an FTS5 query: each word quoted (so operators in user text stay text), all required.
pub fn fts5_query(words: &str) -> String {
    words
        .split_whitespace()
        .take(16)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

impl<'a, C: ConnectionTrait> KbStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Every category in order.
    pub async fn categories(&self) -> Result<Vec<kb_category::Model>, DbErr> {
        TenantStore::<_, kb_category::Entity>::new(self.conn, self.tenant)
            .find()
            .order_by_asc(kb_category::Column::Position)
            .order_by_asc(kb_category::Column::Id)
            .all(self.conn)
            .await
    }

    /// One category.
    pub async fn category(&self, id: Uuid) -> Result<Option<kb_category::Model>, DbErr> {
        TenantStore::<_, kb_category::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(kb_category::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// Adds or writes a category.
    pub async fn insert_category(
        &self,
        model: kb_category::Model,
    ) -> Result<kb_category::Model, DbErr> {
        self.categories_table().insert(model).await
    }

    /// Writes a changed category, bumping its version (412 when `if_match` or the stored
    /// version says someone saved it since it was read).
    pub async fn save_category(
        &self,
        model: kb_category::Model,
        if_match: &IfMatch,
    ) -> Result<kb_category::Model, DbErr> {
        self.categories_table().save(model, if_match).await
    }

    fn categories_table(&self) -> TenantStore<'a, C, kb_category::Entity> {
        TenantStore::new(self.conn, self.tenant)
    }

    fn articles_table(&self) -> TenantStore<'a, C, kb_article::Entity> {
        TenantStore::new(self.conn, self.tenant)
    }

    /// Deletes a category; its articles keep no category.
    pub async fn delete_category(&self, id: Uuid) -> Result<(), DbErr> {
        kb_article::Entity::update_many()
            .col_expr(
                kb_article::Column::CategoryId,
                sea_orm::sea_query::Expr::value(Option::<Uuid>::None),
            )
            .filter(kb_article::Column::TenantId.eq(self.tenant))
            .filter(kb_article::Column::CategoryId.eq(id))
            .exec(self.conn)
            .await?;
        TenantStore::<_, kb_category::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(kb_category::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// One article.
    pub async fn article(&self, id: Uuid) -> Result<Option<kb_article::Model>, DbErr> {
        TenantStore::<_, kb_article::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(kb_article::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// The articles with these ids (any order).
    pub async fn articles_by_ids(&self, ids: &[Uuid]) -> Result<Vec<kb_article::Model>, DbErr> {
        TenantStore::<_, kb_article::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(kb_article::Column::Id.is_in(ids.iter().copied()))
            .all(self.conn)
            .await
    }

    /// Articles, newest first, narrowed by status, visibility and category.
    pub async fn articles(
        &self,
        statuses: &[&str],
        visibility: Option<&str>,
        category: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<kb_article::Model>, DbErr> {
        use sea_orm::QuerySelect;
        let mut query = TenantStore::<_, kb_article::Entity>::new(self.conn, self.tenant).find();
        if !statuses.is_empty() {
            query = query.filter(kb_article::Column::Status.is_in(statuses.iter().copied()));
        }
        if let Some(v) = visibility {
            query = query.filter(kb_article::Column::Visibility.eq(v));
        }
        if let Some(c) = category {
            query = query.filter(kb_article::Column::CategoryId.eq(c));
        }
        query
            .order_by_desc(kb_article::Column::Id)
            .limit(limit)
            .all(self.conn)
            .await
    }

    /// The ids of articles matching `words`, best match first.
    pub async fn search(&self, words: &str, limit: u64) -> Result<Vec<Uuid>, DbErr> {
        let backend = self.conn.get_database_backend();
        let rows = if backend == DatabaseBackend::Postgres {
            self.conn
                .query_all(Statement::from_sql_and_values(
                    backend,
                    "SELECT id AS article_id FROM kb_articles WHERE tenant_id = $1 \
                     AND to_tsvector('simple', title || ' ' || body) @@ plainto_tsquery('simple', $2) \
                     ORDER BY ts_rank(to_tsvector('simple', title || ' ' || body), plainto_tsquery('simple', $2)) DESC \
                     LIMIT $3",
                    [Value::from(self.tenant), Value::from(words.to_string()), Value::from(limit as i64)],
                ))
                .await?
        } else {
            let query = fts5_query(words);
            if query.is_empty() {
                return Ok(Vec::new());
            }
            self.conn
                .query_all(Statement::from_sql_and_values(
                    backend,
                    "SELECT article_id FROM kb_articles_fts WHERE kb_articles_fts MATCH ? AND tenant_id = ? \
                     ORDER BY rank LIMIT ?",
                    [Value::from(query), Value::from(self.tenant.to_string()), Value::from(limit as i64)],
                ))
                .await?
        };
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            let id = if backend == DatabaseBackend::Postgres {
                row.try_get::<Uuid>("", "article_id")?
            } else {
                let text: String = row.try_get("", "article_id")?;
                Uuid::parse_str(&text).map_err(|e| DbErr::Custom(e.to_string()))?
            };
            ids.push(id);
        }
        Ok(ids)
    }

    /// Writes an article (new or changed) and keeps the SQLite search table in step.
    pub async fn insert_article(
        &self,
        model: kb_article::Model,
    ) -> Result<kb_article::Model, DbErr> {
        let model = self.articles_table().insert(model).await?;
        self.index_article(model).await
    }

    /// Writes a changed article, bumping its version (412 when `if_match` or the stored
    /// version says someone saved it since it was read), and re-indexes it.
    pub async fn save_article(
        &self,
        model: kb_article::Model,
        if_match: &IfMatch,
    ) -> Result<kb_article::Model, DbErr> {
        let model = self.articles_table().save(model, if_match).await?;
        self.index_article(model).await
    }

    /// Puts an article's text in the SQLite search index (PostgreSQL indexes the row itself).
    async fn index_article(&self, model: kb_article::Model) -> Result<kb_article::Model, DbErr> {
        let backend = self.conn.get_database_backend();
        if backend != DatabaseBackend::Postgres {
            self.conn
                .execute(Statement::from_sql_and_values(
                    backend,
                    "DELETE FROM kb_articles_fts WHERE article_id = ?",
                    [Value::from(model.id.to_string())],
                ))
                .await?;
            self.conn
                .execute(Statement::from_sql_and_values(
                    backend,
                    "INSERT INTO kb_articles_fts (article_id, tenant_id, title, body) VALUES (?, ?, ?, ?)",
                    [
                        Value::from(model.id.to_string()),
                        Value::from(self.tenant.to_string()),
                        Value::from(model.title.clone()),
                        Value::from(model.body.clone()),
                    ],
                ))
                .await?;
        }
        Ok(model)
    }

    /// Records a revision of an article.
    pub async fn add_revision(&self, article: &kb_article::Model) -> Result<(), DbErr> {
        kb_article_revision::Entity::insert(kb_article_revision::ActiveModel::from(
            kb_article_revision::Model {
                id: Uuid::now_v7(),
                tenant_id: self.tenant.uuid(),
                article_id: article.id,
                revision: article.revision,
                title: article.title.clone(),
                body: article.body.clone(),
                author_id: article.author_id,
                created_at: article.updated_at,
            },
        ))
        .exec_without_returning(self.conn)
        .await?;
        Ok(())
    }

    /// The revisions of an article, oldest first.
    pub async fn revisions(&self, article: Uuid) -> Result<Vec<kb_article_revision::Model>, DbErr> {
        TenantStore::<_, kb_article_revision::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(kb_article_revision::Column::ArticleId.eq(article))
            .order_by_asc(kb_article_revision::Column::Revision)
            .all(self.conn)
            .await
    }

    /// Links an article to a ticket (again is fine).
    pub async fn link(&self, article: Uuid, ticket: Uuid) -> Result<(), DbErr> {
        use sea_orm::sea_query::OnConflict;
        kb_ticket_link::Entity::insert(kb_ticket_link::ActiveModel::from(kb_ticket_link::Model {
            tenant_id: self.tenant.uuid(),
            article_id: article,
            ticket_id: ticket,
            created_at: chrono::Utc::now(),
        }))
        .on_conflict(
            OnConflict::columns([
                kb_ticket_link::Column::TenantId,
                kb_ticket_link::Column::ArticleId,
                kb_ticket_link::Column::TicketId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(self.conn)
        .await?;
        Ok(())
    }

    /// The articles linked to a ticket.
    pub async fn linked_to(&self, ticket: Uuid) -> Result<Vec<kb_article::Model>, DbErr> {
        let ids: Vec<Uuid> = TenantStore::<_, kb_ticket_link::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(kb_ticket_link::Column::TicketId.eq(ticket))
            .all(self.conn)
            .await?
            .into_iter()
            .map(|l| l.article_id)
            .collect();
        TenantStore::<_, kb_article::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(kb_article::Column::Id.is_in(ids))
            .all(self.conn)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_words_become_quoted_fts5_terms() {
        assert_eq!(fts5_query("printer  jam"), "\"printer\" \"jam\"");
        assert_eq!(fts5_query("a\"b OR c*"), "\"a\"\"b\" \"OR\" \"c*\"");
        assert_eq!(fts5_query("   "), "");
    }
}
