//! sea-orm entities of the customers database, one module per table.

/// A customer: an organisation or a person.
pub mod customer {
    use sea_orm::entity::prelude::*;

    /// A row of `customers`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customers")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `kind`.
        pub kind: String,
        /// Column `name`.
        pub name: String,
        /// Column `industry`.
        pub industry: Option<String>,
        /// Column `region`.
        pub region: Option<String>,
        /// Column `size`.
        pub size: Option<String>,
        /// Column `address`.
        pub address: Option<String>,
        /// Column `source_channel`.
        pub source_channel: Option<String>,
        /// Column `owner_id`.
        pub owner_id: Option<Uuid>,
        /// Column `tags`.
        pub tags: String,
        /// Column `notes`.
        pub notes: String,
        /// Column `background`.
        pub background: String,
        /// Column `needs`.
        pub needs: String,
        /// Column `lifecycle`.
        pub lifecycle: String,
        /// Column `lifecycle_changed_at`.
        pub lifecycle_changed_at: DateTimeUtc,
        /// Column `marketing_type`.
        pub marketing_type: Option<String>,
        /// Column `management_class`.
        pub management_class: Option<String>,
        /// Column `position`.
        pub position: Option<String>,
        /// Column `relationship_level`.
        pub relationship_level: Option<String>,
        /// Column `abc_class`.
        pub abc_class: Option<String>,
        /// Column `tier`.
        pub tier: Option<String>,
        /// Column `service_level`.
        pub service_level: Option<String>,
        /// Column `customer_since`.
        pub customer_since: String,
        /// Column `external_id`.
        pub external_id: Option<String>,
        /// Column `merged_into`.
        pub merged_into: Option<Uuid>,
        /// Column `deleted_at`.
        pub deleted_at: Option<DateTimeUtc>,
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

/// A tag of a customer, for filtering.
pub mod customer_tag {
    use sea_orm::entity::prelude::*;

    /// A row of `customer_tags`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_tags")]
    pub struct Model {
        /// Column `tenant_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: Uuid,
        /// Column `tag`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tag: String,
        /// Column `customer_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub customer_id: Uuid,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A move of a customer between lifecycle stages.
pub mod lifecycle_change {
    use sea_orm::entity::prelude::*;

    /// A row of `customer_lifecycle_changes`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_lifecycle_changes")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `customer_id`.
        pub customer_id: Uuid,
        /// Column `from_stage`.
        pub from_stage: Option<String>,
        /// Column `to_stage`.
        pub to_stage: String,
        /// Column `actor_id`.
        pub actor_id: Option<Uuid>,
        /// Column `at`.
        pub at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A person to talk to at a customer.
pub mod contact {
    use sea_orm::entity::prelude::*;

    /// A row of `contacts`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "contacts")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `customer_id`.
        pub customer_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `role`.
        pub role: Option<String>,
        /// Column `phone`.
        pub phone: Option<String>,
        /// Column `email`.
        pub email: Option<String>,
        /// Column `emergency`.
        pub emergency: bool,
        /// Column `preferred_channel`.
        pub preferred_channel: Option<String>,
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

/// A customer's value figures for one year.
pub mod value_record {
    use sea_orm::entity::prelude::*;

    /// A row of `value_records`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "value_records")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `customer_id`.
        pub customer_id: Uuid,
        /// Column `year`.
        pub year: i64,
        /// Column `currency`.
        pub currency: String,
        /// Column `annual_sales`.
        pub annual_sales: i64,
        /// Column `revenue`.
        pub revenue: i64,
        /// Column `cost`.
        pub cost: i64,
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

/// A tenant's classification settings.
pub mod customer_settings {
    use sea_orm::entity::prelude::*;

    /// A row of `customer_settings`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_settings")]
    pub struct Model {
        /// Column `tenant_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: Uuid,
        /// Column `abc_a_percent`.
        pub abc_a_percent: i64,
        /// Column `abc_b_percent`.
        pub abc_b_percent: i64,
        /// Column `tier_basis`.
        pub tier_basis: String,
        /// Column `vip_min`.
        pub vip_min: i64,
        /// Column `major_min`.
        pub major_min: i64,
        /// Column `ordinary_min`.
        pub ordinary_min: i64,
        /// Column `projection_years`.
        pub projection_years: i64,
        /// Column `currency`.
        pub currency: String,
        /// Column `version`.
        pub version: i64,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A contact with a customer: written by staff or appended from a ticket's events.
pub mod interaction {
    use sea_orm::entity::prelude::*;

    /// A row of `interactions`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "interactions")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `customer_id`.
        pub customer_id: Uuid,
        /// Column `at`.
        pub at: DateTimeUtc,
        /// Column `channel`.
        pub channel: String,
        /// Column `direction`.
        pub direction: String,
        /// Column `summary`.
        pub summary: String,
        /// Column `outcome`.
        pub outcome: Option<String>,
        /// Column `user_id`.
        pub user_id: Option<Uuid>,
        /// Column `source`.
        pub source: String,
        /// Column `ticket_id`.
        pub ticket_id: Option<Uuid>,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A customer's ticket as tickets' events describe it.
pub mod customer_ticket {
    use sea_orm::entity::prelude::*;

    /// A row of `customer_tickets`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_tickets")]
    pub struct Model {
        /// Column `ticket_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub ticket_id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `customer_id`.
        pub customer_id: Option<Uuid>,
        /// Column `number`.
        pub number: i64,
        /// Column `subject`.
        pub subject: String,
        /// Column `kind`.
        pub kind: String,
        /// Column `status`.
        pub status: String,
        /// Column `channel`.
        pub channel: String,
        /// Column `opened_at`.
        pub opened_at: DateTimeUtc,
        /// Column `solved_at`.
        pub solved_at: Option<DateTimeUtc>,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A survey response's scores, from surveys' events.
pub mod customer_score {
    use sea_orm::entity::prelude::*;

    /// A row of `customer_scores`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_scores")]
    pub struct Model {
        /// Column `response_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub response_id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `customer_id`.
        pub customer_id: Uuid,
        /// Column `ticket_id`.
        pub ticket_id: Option<Uuid>,
        /// Column `csat`.
        pub csat: Option<f64>,
        /// Column `nps`.
        pub nps: Option<f64>,
        /// Column `ces`.
        pub ces: Option<f64>,
        /// Column `at`.
        pub at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A service agreement with a customer.
pub mod agreement {
    use sea_orm::entity::prelude::*;

    /// A row of `agreements`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agreements")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `customer_id`.
        pub customer_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `service_level`.
        pub service_level: String,
        /// Column `status`.
        pub status: String,
        /// Column `starts_on`.
        pub starts_on: String,
        /// Column `ends_on`.
        pub ends_on: Option<String>,
        /// Column `terms`.
        pub terms: String,
        /// Column `activated_at`.
        pub activated_at: Option<DateTimeUtc>,
        /// Column `ended_at`.
        pub ended_at: Option<DateTimeUtc>,
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

/// A pain point of a customer.
pub mod pain_point {
    use sea_orm::entity::prelude::*;

    /// A row of `pain_points`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "pain_points")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `customer_id`.
        pub customer_id: Uuid,
        /// Column `title`.
        pub title: String,
        /// Column `description`.
        pub description: String,
        /// Column `impact`.
        pub impact: i64,
        /// Column `urgency`.
        pub urgency: i64,
        /// Column `difficulty`.
        pub difficulty: i64,
        /// Column `priority`.
        pub priority: f64,
        /// Column `status`.
        pub status: String,
        /// Column `ticket_ids`.
        pub ticket_ids: String,
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

/// A recurring care or follow-up plan for a customer.
pub mod care_plan {
    use sea_orm::entity::prelude::*;

    /// A row of `care_plans`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "care_plans")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `customer_id`.
        pub customer_id: Uuid,
        /// Column `contact_id`.
        pub contact_id: Option<Uuid>,
        /// Column `name`.
        pub name: String,
        /// Column `rule`.
        pub rule: String,
        /// Column `starts_at`.
        pub starts_at: String,
        /// Column `time_zone`.
        pub time_zone: String,
        /// Column `channel`.
        pub channel: String,
        /// Column `kind`.
        pub kind: String,
        /// Column `template_id`.
        pub template_id: Option<Uuid>,
        /// Column `task`.
        pub task: Option<String>,
        /// Column `active`.
        pub active: bool,
        /// Column `materialized_until`.
        pub materialized_until: DateTimeUtc,
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

/// One occurrence of a care plan: a task that comes due.
pub mod follow_up {
    use sea_orm::entity::prelude::*;

    /// A row of `follow_ups`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "follow_ups")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `plan_id`.
        pub plan_id: Uuid,
        /// Column `customer_id`.
        pub customer_id: Uuid,
        /// Column `due_at`.
        pub due_at: DateTimeUtc,
        /// Column `status`.
        pub status: String,
        /// Column `announced_at`.
        pub announced_at: Option<DateTimeUtc>,
        /// Column `outcome`.
        pub outcome: Option<String>,
        /// Column `completed_by`.
        pub completed_by: Option<Uuid>,
        /// Column `completed_at`.
        pub completed_at: Option<DateTimeUtc>,
        /// Column `version`.
        pub version: i64,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

// The tenant-scoped store's view of each tenant table (kefu_platform::store).
kefu_platform::tenant_table!(customer, versioned);
kefu_platform::tenant_table!(customer_tag);
kefu_platform::tenant_table!(lifecycle_change, keyed);
kefu_platform::tenant_table!(contact, versioned);
kefu_platform::tenant_table!(value_record, versioned);
kefu_platform::tenant_table!(customer_settings);
kefu_platform::tenant_table!(interaction, keyed);
kefu_platform::tenant_table!(customer_ticket);
kefu_platform::tenant_table!(customer_score);
kefu_platform::tenant_table!(agreement, versioned);
kefu_platform::tenant_table!(pain_point, versioned);
kefu_platform::tenant_table!(care_plan, versioned);
kefu_platform::tenant_table!(follow_up, versioned);
