//! sea-orm entities of the tickets database, one module per table.

pub use kefu_directory::entities::{directory_tenant, directory_user};

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

/// A business-hours calendar.
pub mod calendar {
    use sea_orm::entity::prelude::*;

    /// A row of `calendars`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "calendars")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `time_zone`.
        pub time_zone: String,
        /// Column `weekly`.
        pub weekly: String,
        /// Column `holidays`.
        pub holidays: String,
        /// Column `is_default`.
        pub is_default: bool,
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

/// An SLA policy: conditions, targets, calendar.
pub mod sla_policy {
    use sea_orm::entity::prelude::*;

    /// A row of `sla_policies`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sla_policies")]
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
        /// Column `conditions`.
        pub conditions: String,
        /// Column `targets`.
        pub targets: String,
        /// Column `calendar_id`.
        pub calendar_id: Uuid,
        /// Column `pause_statuses`.
        pub pause_statuses: String,
        /// Column `at_risk_percent`.
        pub at_risk_percent: i64,
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

/// One SLA clock of a ticket.
pub mod ticket_sla {
    use sea_orm::entity::prelude::*;

    /// A row of `ticket_slas`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket_slas")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `ticket_id`.
        pub ticket_id: Uuid,
        /// Column `metric`.
        pub metric: String,
        /// Column `policy_id`.
        pub policy_id: Uuid,
        /// Column `policy_version`.
        pub policy_version: i64,
        /// Column `calendar_id`.
        pub calendar_id: Uuid,
        /// Column `target_minutes`.
        pub target_minutes: i64,
        /// Column `business_hours`.
        pub business_hours: bool,
        /// Column `at_risk_percent`.
        pub at_risk_percent: i64,
        /// Column `started_at`.
        pub started_at: DateTimeUtc,
        /// Column `pauses`.
        pub pauses: String,
        /// Column `stopped_at`.
        pub stopped_at: Option<DateTimeUtc>,
        /// Column `due_at`.
        pub due_at: Option<DateTimeUtc>,
        /// Column `at_risk_at`.
        pub at_risk_at: Option<DateTimeUtc>,
        /// Column `at_risk_sent_at`.
        pub at_risk_sent_at: Option<DateTimeUtc>,
        /// Column `breached_at`.
        pub breached_at: Option<DateTimeUtc>,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One entry of a ticket's SLA timeline.
pub mod ticket_sla_log {
    use sea_orm::entity::prelude::*;

    /// A row of `ticket_sla_log`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket_sla_log")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `ticket_id`.
        pub ticket_id: Uuid,
        /// Column `metric`.
        pub metric: String,
        /// Column `kind`.
        pub kind: String,
        /// Column `detail`.
        pub detail: String,
        /// Column `at`.
        pub at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// How a team's new tickets find an assignee.
pub mod dispatch_rule {
    use sea_orm::entity::prelude::*;

    /// A row of `dispatch_rules`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dispatch_rules")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `team_id`.
        pub team_id: Uuid,
        /// Column `strategy`.
        pub strategy: String,
        /// Column `skill`.
        pub skill: Option<String>,
        /// Column `last_assignee_id`.
        pub last_assignee_id: Option<Uuid>,
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

/// A skill an agent holds, from training's certifications.
pub mod agent_skill {
    use sea_orm::entity::prelude::*;

    /// A row of `agent_skills`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agent_skills")]
    pub struct Model {
        /// Column `tenant_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: Uuid,
        /// Column `user_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        /// Column `skill`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub skill: String,
        /// Column `expires_at`.
        pub expires_at: Option<DateTimeUtc>,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// What happens when an SLA target is at risk or breached.
pub mod escalation_rule {
    use sea_orm::entity::prelude::*;

    /// A row of `escalation_rules`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "escalation_rules")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `trigger`.
        pub trigger: String,
        /// Column `metrics`.
        pub metrics: String,
        /// Column `priorities`.
        pub priorities: String,
        /// Column `notify_role`.
        pub notify_role: Option<String>,
        /// Column `raise_priority`.
        pub raise_priority: bool,
        /// Column `reassign_team_id`.
        pub reassign_team_id: Option<Uuid>,
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

/// A macro: named ticket changes and a canned reply.
pub mod ticket_macro {
    use sea_orm::entity::prelude::*;

    /// A row of `macros`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "macros")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `actions` (JSON).
        pub actions: String,
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

/// A trigger or an automation.
pub mod business_rule {
    use sea_orm::entity::prelude::*;

    /// A row of `business_rules`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "business_rules")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `kind`.
        pub kind: String,
        /// Column `event`.
        pub event: String,
        /// Column `name`.
        pub name: String,
        /// Column `conditions`.
        pub conditions: String,
        /// Column `actions`.
        pub actions: String,
        /// Column `position`.
        pub position: i64,
        /// Column `active`.
        pub active: bool,
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

/// An automation that fired on one state of a ticket.
pub mod automation_firing {
    use sea_orm::entity::prelude::*;

    /// A row of `automation_firings`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "automation_firings")]
    pub struct Model {
        /// Column `tenant_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: Uuid,
        /// Column `rule_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub rule_id: Uuid,
        /// Column `ticket_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub ticket_id: Uuid,
        /// Column `cause`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub cause: String,
        /// Column `at`.
        pub at: DateTimeUtc,
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

// The tenant-scoped store's view of each tenant table (kefu_platform::store).
kefu_platform::tenant_table!(ticket_counter);
kefu_platform::tenant_table!(ticket, versioned);
kefu_platform::tenant_table!(ticket_tag);
kefu_platform::tenant_table!(ticket_comment, keyed);
kefu_platform::tenant_table!(ticket_history, keyed);
kefu_platform::tenant_table!(calendar, versioned);
kefu_platform::tenant_table!(sla_policy, versioned);
kefu_platform::tenant_table!(ticket_sla, keyed);
kefu_platform::tenant_table!(ticket_sla_log, keyed);
kefu_platform::tenant_table!(dispatch_rule, versioned);
kefu_platform::tenant_table!(agent_skill);
kefu_platform::tenant_table!(escalation_rule, versioned);
kefu_platform::tenant_table!(directory_customer, keyed);
kefu_platform::tenant_table!(ticket_step, versioned);
kefu_platform::tenant_table!(ticket_link, keyed);
kefu_platform::tenant_table!(ticket_follower);
kefu_platform::tenant_table!(custom_field, versioned);
kefu_platform::tenant_table!(ticket_macro, versioned);
kefu_platform::tenant_table!(business_rule, versioned);
kefu_platform::tenant_table!(automation_firing);
kefu_platform::tenant_table!(ticket_view, versioned);
kefu_platform::tenant_table!(kb_category, versioned);
kefu_platform::tenant_table!(kb_article, versioned);
kefu_platform::tenant_table!(kb_article_revision, keyed);
kefu_platform::tenant_table!(kb_ticket_link);
kefu_platform::tenant_table!(attachment, keyed);
