//! Dispatch: the rules that route tickets and the skills of agents.

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
