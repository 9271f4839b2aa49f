//! Service levels: business-hours calendars, policies, the clocks of tickets and their log, and escalation rules.

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
