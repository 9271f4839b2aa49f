//! sea-orm entities of the directory tables.

/// A tenant as accounts announced it.
pub mod directory_tenant {
    use sea_orm::entity::prelude::*;

    /// A row of `directory_tenants`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "directory_tenants")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `slug`.
        pub slug: String,
        /// Column `name`.
        pub name: String,
        /// Column `time_zone`.
        pub time_zone: String,
        /// Column `status`.
        pub status: String,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A user as accounts announced it: the assignee directory.
pub mod directory_user {
    use sea_orm::entity::prelude::*;

    /// A row of `directory_users`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "directory_users")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `email`.
        pub email: String,
        /// Column `roles`.
        pub roles: String,
        /// Column `team_ids`.
        pub team_ids: String,
        /// Column `status`.
        pub status: String,
        /// Column `customer_id`.
        pub customer_id: Option<Uuid>,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
