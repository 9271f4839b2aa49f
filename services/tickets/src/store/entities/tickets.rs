//! The ticket itself: its number, tags, conversation, history, steps, links, followers, attachments, custom fields, saved views and the customers it knows of.

/// The last ticket number of a tenant.
pub mod ticket_counter {
    use sea_orm::entity::prelude::*;

    /// A row of `ticket_counters`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket_counters")]
    pub struct Model {
        /// Column `tenant_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: Uuid,
        /// Column `last_number`.
        pub last_number: i64,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A service request.
pub mod ticket {
    use sea_orm::entity::prelude::*;

    /// A row of `tickets`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tickets")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `number`.
        pub number: i64,
        /// Column `subject`.
        pub subject: String,
        /// Column `description`.
        pub description: String,
        /// Column `status`.
        pub status: String,
        /// Column `priority`.
        pub priority: String,
        /// Column `kind`.
        pub kind: String,
        /// Column `channel`.
        pub channel: String,
        /// Column `customer_id`.
        pub customer_id: Option<Uuid>,
        /// Column `contact_id`.
        pub contact_id: Option<Uuid>,
        /// Column `requester_id`.
        pub requester_id: Option<Uuid>,
        /// Column `team_id`.
        pub team_id: Option<Uuid>,
        /// Column `assignee_id`.
        pub assignee_id: Option<Uuid>,
        /// Column `tags`.
        pub tags: String,
        /// Column `reopen_count`.
        pub reopen_count: i64,
        /// Column `created_by`.
        pub created_by: Option<Uuid>,
        /// Column `first_response_at`.
        pub first_response_at: Option<DateTimeUtc>,
        /// Column `solved_at`.
        pub solved_at: Option<DateTimeUtc>,
        /// Column `closed_at`.
        pub closed_at: Option<DateTimeUtc>,
        /// Column `version`.
        pub version: i64,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
        /// Column `root_cause` (complaints).
        pub root_cause: Option<String>,
        /// Column `remedy` (complaints).
        pub remedy: Option<String>,
        /// Column `csat_score` (1–5, from the ticket's survey).
        pub csat_score: Option<i64>,
        /// Column `custom_fields` (a JSON object of key → value).
        pub custom_fields: String,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A tag on a ticket, for filtering by tag.
pub mod ticket_tag {
    use sea_orm::entity::prelude::*;

    /// A row of `ticket_tags`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket_tags")]
    pub struct Model {
        /// Column `tenant_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: Uuid,
        /// Column `tag`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tag: String,
        /// Column `ticket_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub ticket_id: Uuid,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A public reply or an internal note.
pub mod ticket_comment {
    use sea_orm::entity::prelude::*;

    /// A row of `ticket_comments`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket_comments")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `ticket_id`.
        pub ticket_id: Uuid,
        /// Column `author_id`.
        pub author_id: Option<Uuid>,
        /// Column `author_kind`.
        pub author_kind: String,
        /// Column `public`.
        pub public: bool,
        /// Column `body`.
        pub body: String,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One changed field of a ticket: its audit trail.
pub mod ticket_history {
    use sea_orm::entity::prelude::*;

    /// A row of `ticket_history`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket_history")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `ticket_id`.
        pub ticket_id: Uuid,
        /// Column `field`.
        pub field: String,
        /// Column `old_value`.
        pub old_value: Option<String>,
        /// Column `new_value`.
        pub new_value: Option<String>,
        /// Column `actor_id`.
        pub actor_id: Option<Uuid>,
        /// Column `via`.
        pub via: String,
        /// Column `at`.
        pub at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One step of a ticket's service checklist.
pub mod ticket_step {
    use sea_orm::entity::prelude::*;

    /// A row of `ticket_steps`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket_steps")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `ticket_id`.
        pub ticket_id: Uuid,
        /// Column `position`.
        pub position: i64,
        /// Column `title`.
        pub title: String,
        /// Column `owner_id`.
        pub owner_id: Option<Uuid>,
        /// Column `due_at`.
        pub due_at: Option<DateTimeUtc>,
        /// Column `done_at`.
        pub done_at: Option<DateTimeUtc>,
        /// Column `version`.
        pub version: i64,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A link between two tickets.
pub mod ticket_link {
    use sea_orm::entity::prelude::*;

    /// A row of `ticket_links`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket_links")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `source_id`.
        pub source_id: Uuid,
        /// Column `target_id`.
        pub target_id: Uuid,
        /// Column `kind`.
        pub kind: String,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A staff user following a ticket.
pub mod ticket_follower {
    use sea_orm::entity::prelude::*;

    /// A row of `ticket_followers`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket_followers")]
    pub struct Model {
        /// Column `tenant_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: Uuid,
        /// Column `ticket_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub ticket_id: Uuid,
        /// Column `user_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A file attached to a ticket or a reply.
pub mod attachment {
    use sea_orm::entity::prelude::*;

    /// A row of `attachments`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attachments")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `ticket_id`.
        pub ticket_id: Uuid,
        /// Column `comment_id` (attached to a reply or note).
        pub comment_id: Option<Uuid>,
        /// Column `filename`.
        pub filename: String,
        /// Column `content_type` (sniffed from the bytes).
        pub content_type: String,
        /// Column `size` in bytes.
        pub size: i64,
        /// Column `object_key` in the object store.
        pub object_key: String,
        /// Column `uploaded_by`.
        pub uploaded_by: Option<Uuid>,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A tenant-defined ticket field.
pub mod custom_field {
    use sea_orm::entity::prelude::*;

    /// A row of `custom_fields`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "custom_fields")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `key`.
        pub key: String,
        /// Column `label`.
        pub label: String,
        /// Column `field_type`.
        pub field_type: String,
        /// Column `options` (JSON list, enums only).
        pub options: String,
        /// Column `required`.
        pub required: bool,
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

/// A saved filter of tickets.
pub mod ticket_view {
    use sea_orm::entity::prelude::*;

    /// A row of `ticket_views`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket_views")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `query` (the list's query string).
        pub query: String,
        /// Column `owner_id` (a personal view).
        pub owner_id: Option<Uuid>,
        /// Column `team_id` (a team's view).
        pub team_id: Option<Uuid>,
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

/// A customer as the customers service announced it.
pub mod directory_customer {
    use sea_orm::entity::prelude::*;

    /// A row of `directory_customers`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "directory_customers")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `tier`.
        pub tier: Option<String>,
        /// Column `service_level`.
        pub service_level: Option<String>,
        /// Column `owner_id` (the relationship manager).
        pub owner_id: Option<Uuid>,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
