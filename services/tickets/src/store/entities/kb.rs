//! The knowledge base: categories, articles, their revisions and the tickets they helped with.

/// A knowledge-base category.
pub mod kb_category {
    use sea_orm::entity::prelude::*;

    /// A row of `kb_categories`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "kb_categories")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `position`.
        pub position: i64,
        /// Column `version`.
        pub version: i64,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A knowledge-base article (its current revision).
pub mod kb_article {
    use sea_orm::entity::prelude::*;

    /// A row of `kb_articles`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "kb_articles")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `category_id`.
        pub category_id: Option<Uuid>,
        /// Column `title`.
        pub title: String,
        /// Column `body`.
        pub body: String,
        /// Column `status`.
        pub status: String,
        /// Column `visibility`.
        pub visibility: String,
        /// Column `revision`.
        pub revision: i64,
        /// Column `author_id`.
        pub author_id: Option<Uuid>,
        /// Column `version`.
        pub version: i64,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
        /// Column `published_at`.
        pub published_at: Option<DateTimeUtc>,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One saved revision of an article.
pub mod kb_article_revision {
    use sea_orm::entity::prelude::*;

    /// A row of `kb_article_revisions`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "kb_article_revisions")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `article_id`.
        pub article_id: Uuid,
        /// Column `revision`.
        pub revision: i64,
        /// Column `title`.
        pub title: String,
        /// Column `body`.
        pub body: String,
        /// Column `author_id`.
        pub author_id: Option<Uuid>,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An article linked to a ticket.
pub mod kb_ticket_link {
    use sea_orm::entity::prelude::*;

    /// A row of `kb_ticket_links`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "kb_ticket_links")]
    pub struct Model {
        /// Column `tenant_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: Uuid,
        /// Column `article_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub article_id: Uuid,
        /// Column `ticket_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub ticket_id: Uuid,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
