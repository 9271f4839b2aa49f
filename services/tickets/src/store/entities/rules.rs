//! Business rules (triggers and automations), their firings, and macros.

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
